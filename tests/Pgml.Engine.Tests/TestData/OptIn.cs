using Xunit;

namespace Pgml.Engine.Tests.TestData;

/// <summary>
/// The opt-in switch of the tests that are not part of a normal run (the million-row benchmarks, the fixture writers):
/// such a test runs only when its environment variable is set, and is otherwise reported by the runner as skipped with
/// the reason below, so that a run never counts it as a pass. xunit 2 has no dynamic skip; the attributes set
/// <see cref="FactAttribute.Skip"/> when they are constructed, which is when the runner discovers the tests.
/// </summary>
internal static class OptIn
{
    /// <summary>Set means non-empty and not "0".</summary>
    public static bool IsSet(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v && v != "0";

    public static string? SkipReason(string variable, string purpose) =>
        IsSet(variable) ? null : $"opt-in ({purpose}): set {variable}=1 to run it";
}

/// <summary>A fact that runs only when <c>variable</c> is set (see <see cref="OptIn"/>).</summary>
public sealed class OptInFactAttribute : FactAttribute
{
    public OptInFactAttribute(string variable, string purpose) => Skip = OptIn.SkipReason(variable, purpose);
}

/// <summary>A theory that runs only when <c>variable</c> is set (see <see cref="OptIn"/>); all its rows are skipped otherwise.</summary>
public sealed class OptInTheoryAttribute : TheoryAttribute
{
    public OptInTheoryAttribute(string variable, string purpose) => Skip = OptIn.SkipReason(variable, purpose);
}
