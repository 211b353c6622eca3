namespace Pgml.Engine.Search;

/// <summary>
/// Trains one algorithm with given hyperparameters on some rows and scores it on others. The search knows nothing
/// of the algorithm: it only hands out candidates and row sets, so any trainer can be searched.
/// </summary>
public interface ICandidateEvaluator
{
    /// <summary>The score <see cref="FitAndScore"/> returns, e.g. "r2" or "f1"; higher must be better.</summary>
    string Metric { get; }

    /// <summary>
    /// Checks a candidate's hyperparameters without training, so a bad value in search_params fails before hours of
    /// fitting. Throws <see cref="InvalidParameterException"/> (or <see cref="InvalidDataException"/>).
    /// </summary>
    void Validate(string hyperparamsJson);

    /// <summary>
    /// Trains on <paramref name="trainRows"/> and returns the <see cref="Metric"/> on <paramref name="validationRows"/>
    /// (row indices into the evaluator's data). Calls <paramref name="checkInterrupts"/> often enough for cancellation
    /// to be prompt, and lets whatever it throws propagate. An algorithm rejecting the hyperparameters is reported as
    /// an <see cref="InvalidParameterException"/> that names them.
    /// </summary>
    double FitAndScore(string hyperparamsJson, ReadOnlySpan<long> trainRows, ReadOnlySpan<long> validationRows, Action checkInterrupts);
}
