using Pgml.Extension.Interop;

namespace Pgml.Extension.Api;

/// <summary>Routes a cold SQL function (by its SQL name) to its implementation; each emits its result rows.</summary>
internal static class Functions
{
    public static void Invoke(string name, string?[] args)
    {
        try
        {
            Dispatch(name, args);
        }
        finally
        {
            // the functions that read or build data sets churn far more memory than a backend keeps needing: give it
            // back after a success or an error (a managed-heap overflow included) before the backend sits idle
            if (name is "train" or "train_joint" or "snapshot" or "load_dataset") MemoryGiveBack.Now();
        }
    }

    private static void Dispatch(string name, string?[] args)
    {
        switch (name)
        {
            case "version": Result.Row(Info.Version()); break;
            case "train": TrainFunction.Run(new Args(name, args), joint: false); break;
            case "train_joint": TrainFunction.Run(new Args(name, args), joint: true); break;
            case "snapshot": SnapshotFunction.Run(new Args(name, args)); break;
            case "deploy": DeployFunction.Run(new Args(name, args), args.Length); break;
            case "load_dataset": Datasets.LoadDatasetFunction.Run(new Args(name, args)); break;
            case "_runtime_info": Result.Row(Info.RuntimeInfo()); break;
            case "_boundary_probe": Result.Row(Diagnostics.BoundaryProbe(new Args(name, args))); break;
            default:
                throw new PgmlException(SqlState.FeatureNotSupported, $"pgml's engine has no function named {name}",
                    "pgml.so and pgml_engine.so come from different versions; reinstall pgml.");
        }
    }
}

/// <summary>Typed access to a function's text-form arguments, with errors that name the argument.</summary>
internal sealed class Args(string function, string?[] values)
{
    public string? Text(int i) => i < values.Length ? values[i] : null;

    public string RequiredText(int i, string argName) =>
        Text(i) ?? throw new PgmlException(SqlState.NullValueNotAllowed, $"{function}: {argName} must not be NULL",
            $"Pass a value for {argName}.");

    public double? Double(int i) => Text(i) is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;

    public bool? Bool(int i) => Text(i) is { } s ? s == "t" || s == "true" : null;

    public long? Int64(int i) => Text(i) is { } s ? long.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;
}
