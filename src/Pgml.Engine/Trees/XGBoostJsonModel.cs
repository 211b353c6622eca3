namespace Pgml.Engine.Trees;

/// <summary>The parts of an XGBoost JSON model that prediction needs, as stored (not yet validated).</summary>
internal sealed class XGBoostJsonModel
{
    public string? BoosterName;
    public string? Objective;
    public string? BaseScore;
    public string? NumClass;
    public string? NumFeature;
    public string? NumTarget;
    public int? DeclaredNumTrees;
    public int[]? TreeInfo;
    public List<XGBoostJsonTree>? Trees;
}

/// <summary>One tree in XGBoost's struct-of-arrays layout; node i's arrays are indexed by i, leaves have left child -1.</summary>
internal sealed class XGBoostJsonTree
{
    public int? NumNodes;
    public int[]? LeftChildren;
    public int[]? RightChildren;
    public int[]? SplitIndices;
    public float[]? SplitConditions;
    public bool[]? DefaultLeft;
    public int[]? SplitType;
    public bool HasCategories;
}
