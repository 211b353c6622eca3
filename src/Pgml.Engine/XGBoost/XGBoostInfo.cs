namespace Pgml.Engine.XGBoost;

/// <summary>Facts about the loaded libxgboost.</summary>
public static class XGBoostInfo
{
    private static string? _version;

    /// <summary>The version libxgboost reports (Debian 12 ships 1.7.4 under the file name libxgboost.so.1.6.0).</summary>
    public static string Version => _version ??= XGBoostNative.Version();
}
