// Namespace Pgml.Engine, not Pgml.Engine.Sampling: a namespace named like the Sampling enum would hide the enum
// from all code inside Pgml.Engine.*.
namespace Pgml.Engine;

/// <summary>How <see cref="Splitter"/> chooses the test rows.</summary>
public enum Sampling
{
    /// <summary>A seeded shuffle of all rows; the first rows of the shuffle train, the rest test.</summary>
    Random,

    /// <summary>Read order is kept: the last rows are the test rows (for time-ordered data).</summary>
    Last,

    /// <summary>Each label value keeps its share in the test set; behaves as <see cref="Random"/> without labels.</summary>
    Stratified,
}
