using Pgml.Engine.Data;

namespace Pgml.Engine.Training;

/// <summary>
/// The checks every training set passes before a fit: no NULL label, no infinite feature, and no missing feature for
/// an algorithm that cannot place one. The engine finds the offending row and feature index; the caller names it
/// (a column of the training relation, or a feature after preprocessing) through <c>featureName</c>.
/// </summary>
public static class DataChecks
{
    /// <summary>How often (in rows) a long scan calls back for interrupts.</summary>
    private const long InterruptStride = 65536;

    /// <summary>Target <paramref name="target"/> of <paramref name="labels"/> has no NaN (a NULL label).</summary>
    public static void NoNullLabels(NativeMatrix labels, int target, string labelName)
    {
        long nulls = 0;
        for (long r = 0; r < labels.Rows; r++)
            if (float.IsNaN(labels[r, target])) nulls++;
        if (nulls > 0)
            throw new MissingValueException(
                $"the label column \"{labelName}\" has {nulls} NULL value{(nulls == 1 ? "" : "s")} (out of {labels.Rows} rows)",
                $"Train on a VIEW that filters them out: CREATE VIEW training_data AS SELECT * FROM ... WHERE \"{labelName}\" IS NOT NULL;");
    }

    /// <summary>
    /// No feature is infinite (XGBoost refuses them with a bare message). <paramref name="columnName"/> gives the
    /// training column of feature index i.
    /// </summary>
    public static void NoInfiniteFeatures(NativeMatrix x, Func<int, string> columnName, Action? checkInterrupts = null)
    {
        for (long r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int i = 0; i < row.Length; i++)
            {
                if (!float.IsInfinity(row[i])) continue;
                string column = columnName(i);
                throw new InvalidDataException($"feature column \"{column}\" has an infinite value (row {r + 1} as read)",
                    $"Replace infinities with NULL (a missing value) in a VIEW, e.g. NULLIF(NULLIF(\"{column}\", 'Infinity'), '-Infinity').");
            }
            if (r % InterruptStride == InterruptStride - 1) checkInterrupts?.Invoke();
        }
    }

    /// <summary>
    /// No feature is missing (NaN), for algorithms built on distances or dot products. <paramref name="featureName"/>
    /// describes feature index i, e.g. <c>feature column "age"</c> or <c>feature 3 after preprocessing</c>.
    /// </summary>
    public static void NoMissingFeatures(NativeMatrix x, Func<int, string> featureName, Action? checkInterrupts = null)
    {
        for (long r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int i = 0; i < row.Length; i++)
            {
                if (!float.IsNaN(row[i])) continue;
                throw new MissingValueException(
                    $"{featureName(i)} has a missing value (NULL or NaN), which this algorithm cannot train on",
                    "Impute it with preprocess, e.g. preprocess => '{\"column\": {\"impute\": \"mean\"}}', filter the rows in a VIEW, " +
                    "or use xgboost or lightgbm, which learn where missing values go.");
            }
            if (r % InterruptStride == InterruptStride - 1) checkInterrupts?.Invoke();
        }
    }
}
