using System.Text;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.LightGbm;

/// <summary>
/// A LightGBM model behind <see cref="IPredictor"/>: the C# evaluator (bit-exact with lib_lightgbm), a binary model's
/// P(class 1) widened to both classes' probabilities.
/// </summary>
/// <remarks>
/// Format "lightgbm", version 1 (inside pgml's envelope, ModelBinary.cs): i32 task (TaskKind), string model = LightGBM's
/// own text model (what LGBM_BoosterSaveModelToString writes; LightGBM loads it as is). LightGBM's text format carries
/// its own version line ("version=v4"), which the parser checks.
/// </remarks>
internal sealed class LightGbmPredictor : IPredictor
{
    public const string Format = "lightgbm";
    public const uint Version = 1;

    private readonly LightGbmEnsemble _ensemble;
    private readonly string _text;
    private readonly TaskKind _task;
    private readonly float[] _raw;
    private readonly bool _binary;

    public LightGbmPredictor(string text, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new ModelFormatException($"a LightGBM model cannot serve the task {TaskNames.Name(task)}");
        _ensemble = LightGbmEnsemble.FromLightGbmText(Encoding.UTF8.GetBytes(text));
        _text = text;
        _task = task;
        Kind = task == TaskKind.Classification ? PredictionKind.Probabilities : PredictionKind.Value;
        _binary = task == TaskKind.Classification && _ensemble.NumOutputs == 1;
        _raw = new float[Math.Max(1, _ensemble.NumOutputs)];
    }

    public LightGbmEnsemble Ensemble => _ensemble;
    public int NumFeatures => _ensemble.NumFeatures;
    public int NumOutputs => _binary ? 2 : _ensemble.NumOutputs;
    public PredictionKind Kind { get; }

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (!_binary)
        {
            _ensemble.Predict(features, output);
            return;
        }
        _ensemble.Predict(features, _raw);
        output[0] = 1 - _raw[0];
        output[1] = _raw[0];
    }

    public byte[] ToBytes() => new ModelWriter(Format, Version).Int32((int)_task).String(_text).ToBytes();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        var task = (TaskKind)reader.Int32("task", (int)TaskKind.Regression, (int)TaskKind.Classification);
        return new LightGbmPredictor(reader.String(), task);
    }
}

/// <summary>lightgbm: gradient-boosted trees trained by LightGBM's native library (NuGet), served by the C# evaluator.</summary>
internal sealed class LightGbmAlgorithm : IAlgorithm
{
    /// <summary>The library's own text model, stored beside pgml's bytes.</summary>
    public const string NativeFile = "estimator.txt";

    public string Name => "lightgbm";
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => true;

    public void Validate(string hyperparamsJson, TaskKind task) => LightGbmParameters.Parse(hyperparamsJson, ToTask(task));

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var task = ToTask(data.Task);
        var parameters = LightGbmParameters.Parse(hyperparamsJson, task);
        byte[] text = LightGbmTrainer.Train(data.Features, data.AllLabels, data.TrainRows, task, data.NumClasses, parameters, data.CheckInterrupts);
        return new TrainedModel(FromNativeFile(text, data.Task), [new ModelFile(NativeFile, text)]);
    }

    string? IAlgorithm.NativeFile => NativeFile;

    public string? NativeFileDescription => "LightGBM text model";

    public IPredictor FromNativeFile(byte[] data, TaskKind task) => new LightGbmPredictor(Encoding.UTF8.GetString(data), task);

    private static LightGbmTask ToTask(TaskKind task) => task switch
    {
        TaskKind.Regression => LightGbmTask.Regression,
        TaskKind.Classification => LightGbmTask.Classification,
        _ => throw new UnsupportedException($"lightgbm does not support {TaskNames.Name(task)}"),
    };
}
