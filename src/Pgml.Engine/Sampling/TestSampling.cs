namespace Pgml.Engine.Sampling;

/// <summary>How <see cref="Splitter"/> chooses the test rows (PostgresML's test_sampling).</summary>
public enum TestSampling
{
    /// <summary>A seeded shuffle of all rows; the first rows of the shuffle train, the rest test.</summary>
    Random,

    /// <summary>Read order is kept: the last rows are the test rows (for time-ordered data).</summary>
    Last,

    /// <summary>Each label value keeps its share in the test set; behaves as <see cref="Random"/> without labels.</summary>
    Stratified,
}

/// <summary>The test_sampling names SQL uses.</summary>
public static class TestSamplingNames
{
    public static TestSampling Parse(string name) => name switch
    {
        "random" => TestSampling.Random,
        "last" => TestSampling.Last,
        "stratified" => TestSampling.Stratified,
        _ => throw new InvalidParameterException($"unknown test_sampling \"{name}\"", "Use random, last or stratified."),
    };
}
