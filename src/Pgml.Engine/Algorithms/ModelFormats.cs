using Pgml.Engine.Trees;

namespace Pgml.Engine.Algorithms;

/// <summary>Reads one payload format from its envelope; <paramref name="reader"/> is positioned at the payload.</summary>
public delegate IPredictor PredictorLoader(ref ModelReader reader);

/// <summary>
/// Turns stored model bytes back into a predictor: XGBoost's compiled trees (magic PGMLTREE, see CompiledTreeFormat)
/// or pgml's envelope (PGMLMODL, see ModelBinary.cs), dispatched on the payload's format name.
/// </summary>
public static class ModelFormats
{
    // One line per payload format; the format's own class documents its layout and versions.
    private static readonly Dictionary<string, PredictorLoader> Loaders = new(StringComparer.Ordinal)
    {
        [LightGbm.LightGbmPredictor.Format] = LightGbm.LightGbmPredictor.Load,
        [Linear.LinearPredictor.Format] = Linear.LinearPredictor.Load,
        [Neighbors.KnnPredictor.Format] = Neighbors.KnnPredictor.Load,
        [Clustering.KMeansPredictor.Format] = Clustering.KMeansPredictor.Load,
        [Decomposition.PcaPredictor.Format] = Decomposition.PcaPredictor.Load,
        [Svm.SvmPredictor.Format] = Svm.SvmPredictor.Load,
        [Forest.ForestPredictor.Format] = Forest.ForestPredictor.Load,
        [Boosting.BoostedTreesPredictor.Format] = Boosting.BoostedTreesPredictor.Load,
        [Gaussian.GaussianProcessPredictor.Format] = Gaussian.GaussianProcessPredictor.Load,
    };

    /// <summary>Throws <see cref="ModelFormatException"/> for anything unknown, damaged or from a newer pgml.</summary>
    public static IPredictor Load(ReadOnlySpan<byte> bytes, TaskKind task)
    {
        if (bytes.Length >= 8 && bytes[..8].SequenceEqual(CompiledTreeFormat.Magic))
            return new XGBoost.XGBoostPredictor(TreeEnsemble.FromCompiled(bytes), task);
        var reader = ModelReader.Open(bytes);
        if (!Loaders.TryGetValue(reader.Format, out var load))
            throw new ModelFormatException($"the model's format \"{reader.Format}\" is unknown to this pgml",
                "Upgrade pgml, or retrain the model with this version.");
        var predictor = load(ref reader);
        reader.End();
        return predictor;
    }

    /// <summary>The error for a payload version a loader does not know.</summary>
    public static ModelFormatException UnknownVersion(string format, uint version, uint newest) =>
        new($"the {format} model has format version {version}; this pgml reads up to {newest}",
            "Upgrade pgml, or retrain the model with this version.");
}
