using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Pgml.Engine.Training;

namespace Pgml.Engine.Clustering;

/// <summary>
/// mean_shift: scikit-learn's MeanShift (1.2), flat kernel. Hyperparameters: bandwidth = null (estimate_bandwidth with
/// quantile 0.3 over all training rows) or a positive number, bin_seeding = false, min_bin_freq = 1, cluster_all =
/// true, max_iter = 300; n_jobs is accepted and has no effect. seeds (an array of starting points) is not available.
/// The model is the modes (cluster_centers_) in the kmeans format: predict answers the nearest mode, as scikit-learn's
/// predict (pairwise_distances_argmin). cluster_all = false only makes scikit-learn label far training rows -1 in
/// labels_; its predict, like pgml's, still answers the nearest mode, so the key is accepted with no effect on pgml's
/// model.
/// </summary>
/// <remarks>Each seed's shift scans every training row, so training costs rows² x features per round of shifts:
/// training refuses more than <see cref="MaxRows"/> rows up front.</remarks>
internal sealed class MeanShiftAlgorithm : IAlgorithm
{
    /// <summary>50,000 rows: 2.5·10⁹ distances per round of shifts without bin seeding.</summary>
    public const int MaxRows = 50_000;

    internal static readonly IReadOnlyList<HyperparameterSpec> Specs =
    [
        HyperparameterSpec.Number("bandwidth", null, min: 0, minExclusive: true),
        HyperparameterSpec.Boolean("bin_seeding", false),
        HyperparameterSpec.Integer("min_bin_freq", 1, min: 1, max: int.MaxValue),
        HyperparameterSpec.Boolean("cluster_all", true),
        HyperparameterSpec.Integer("max_iter", 300, min: 0, max: int.MaxValue),
        HyperparameterSpec.Accepted("n_jobs"),
    ];

    private const string AlgorithmName = "mean_shift";

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Clustering];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson);

    private static (double? Bandwidth, bool BinSeeding, int MinBinFreq, int MaxIter) Parse(string? json)
    {
        var h = Hyperparameters.Parse(json, AlgorithmName, Specs);
        return (h.NumberOrNull("bandwidth"), h.Boolean("bin_seeding"), h.Integer("min_bin_freq"), h.Integer("max_iter"));
    }

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson);
        if (data.Task == TaskKind.Clustering && data.TrainRows > MaxRows)
            throw new InvalidParameterException(
                $"mean_shift trains on at most {MaxRows} rows, got {data.TrainRows}: every seed's shift scans every training row",
                $"Train on a sample of at most {MaxRows} rows (a view with TABLESAMPLE or LIMIT), or use kmeans or mini_batch_kmeans for larger tables.");
        var rows = KMeansParameters.Rows(data, AlgorithmName, 1);
        var meter = new WorkMeter(data.CheckInterrupts);
        double bandwidth = p.Bandwidth ?? MeanShiftCore.EstimateBandwidth(rows, 0.3, meter);
        if (bandwidth <= 0)
            throw new InvalidDataException("mean_shift estimated a bandwidth of 0: more than 30 % of the training rows are copies of one another",
                "Give a positive bandwidth in hyperparams, e.g. {\"bandwidth\": 1.0}.");
        var seeds = p.BinSeeding ? MeanShiftCore.BinSeeds(rows, bandwidth, p.MinBinFreq) : MeanShiftCore.BinSeeds(rows, 0, 1);
        var (modes, iterations) = MeanShiftCore.Fit(rows, seeds, bandwidth, p.MaxIter, meter);
        int d = data.NumFeatures, k = modes.Length;
        var centres = new double[(long)k * d];
        for (int c = 0; c < k; c++) modes[c].CopyTo(centres, (long)c * d);
        double inertia = KMeansCore.Inertia(rows, centres, k, data.CheckInterrupts);
        return new TrainedModel(new KMeansPredictor(d, k, centres, inertia, iterations));
    }
}
