namespace Pgml.Engine.Trees;

/// <summary>
/// Validates a parsed XGBoost model and lays its trees out as one <see cref="TreeNode"/> array. Each tree is
/// renumbered breadth-first from its root: siblings become adjacent, unreachable (pruned) nodes are dropped, and a
/// child always comes after its parent, so no corrupt model can make the evaluator loop or index out of range.
/// </summary>
internal static class XGBoostTreeFlattener
{
    public sealed record Result(
        TreeObjectiveKind Kind, string Objective, float BaseMargin, int NumFeatures, int NumOutputs,
        TreeNode[] Nodes, float[] LeafValues, int[] Roots, int[] Depths, int[] Groups);

    public static Result Flatten(XGBoostJsonModel m)
    {
        if (m.BoosterName is null) throw XGBoostJsonParser.Bad("learner.gradient_booster.name is missing");
        if (m.BoosterName != "gbtree")
            throw new ModelFormatException($"XGBoost booster '{m.BoosterName}' is not supported by the tree evaluator; only 'gbtree' is",
                "Train with booster = 'gbtree'.");
        if (m.Objective is null) throw XGBoostJsonParser.Bad("learner.objective.name is missing");
        if (!TreeObjective.TryParse(m.Objective, out var kind))
            throw new ModelFormatException($"XGBoost objective '{m.Objective}' is not supported by the tree evaluator",
                "Supported: reg:squarederror, reg:squaredlogerror, reg:pseudohubererror, reg:absoluteerror, reg:logistic, binary:logistic, binary:logitraw, binary:hinge, count:poisson, reg:gamma, reg:tweedie, multi:softprob, multi:softmax.");

        int numFeatures = XGBoostJsonParser.ParseInt(m.NumFeature ?? throw XGBoostJsonParser.Bad("num_feature is missing"), "num_feature");
        int numClass = m.NumClass is null ? 0 : XGBoostJsonParser.ParseInt(m.NumClass, "num_class");
        int numTarget = m.NumTarget is null ? 1 : XGBoostJsonParser.ParseInt(m.NumTarget, "num_target");
        float baseScore = XGBoostJsonParser.ParseFloat(m.BaseScore ?? throw XGBoostJsonParser.Bad("base_score is missing"), "base_score");
        if (numFeatures < 0 || numClass < 0 || numTarget < 1) throw XGBoostJsonParser.Bad("negative num_feature, num_class or num_target");
        if (numTarget > 1)
            throw new ModelFormatException($"multi-target XGBoost models ({numTarget} targets) are not supported by the tree evaluator");
        int numOutputs;
        if (kind == TreeObjectiveKind.Softmax)
            numOutputs = numClass >= 1 ? numClass : throw XGBoostJsonParser.Bad($"{m.Objective} needs num_class >= 1, got {numClass}");
        else
            numOutputs = numClass <= 1 ? 1 : throw XGBoostJsonParser.Bad($"objective {m.Objective} with num_class = {numClass}");

        var trees = m.Trees ?? throw XGBoostJsonParser.Bad("gradient_booster.model.trees is missing");
        var treeInfo = m.TreeInfo ?? throw XGBoostJsonParser.Bad("gradient_booster.model.tree_info is missing");
        if (treeInfo.Length != trees.Count) throw XGBoostJsonParser.Bad($"tree_info has {treeInfo.Length} entries for {trees.Count} trees");
        if (m.DeclaredNumTrees is int declared && declared != trees.Count)
            throw XGBoostJsonParser.Bad($"num_trees says {declared} but {trees.Count} trees are stored");

        var nodes = new List<TreeNode>();
        var leafValues = new List<float>();
        var roots = new int[trees.Count];
        var depths = new int[trees.Count];
        for (int t = 0; t < trees.Count; t++)
        {
            if ((uint)treeInfo[t] >= (uint)numOutputs) throw XGBoostJsonParser.Bad($"tree {t} belongs to output group {treeInfo[t]} of {numOutputs}");
            roots[t] = nodes.Count;
            depths[t] = AppendTree(trees[t], t, numFeatures, nodes, leafValues);
        }
        float baseMargin = TreeObjective.BaseMargin(kind, baseScore);
        return new Result(kind, m.Objective, baseMargin, numFeatures, numOutputs, nodes.ToArray(), leafValues.ToArray(), roots, depths, treeInfo);
    }

    /// <summary>Appends tree <paramref name="t"/> breadth-first and returns its depth (edges on the longest root-leaf path).</summary>
    private static int AppendTree(XGBoostJsonTree tree, int t, int numFeatures, List<TreeNode> nodes, List<float> leafValues)
    {
        int[] left = tree.LeftChildren ?? throw XGBoostJsonParser.Bad($"tree {t} has no left_children");
        int[] right = tree.RightChildren ?? throw XGBoostJsonParser.Bad($"tree {t} has no right_children");
        int[] feature = tree.SplitIndices ?? throw XGBoostJsonParser.Bad($"tree {t} has no split_indices");
        float[] cond = tree.SplitConditions ?? throw XGBoostJsonParser.Bad($"tree {t} has no split_conditions");
        bool[] defaultLeft = tree.DefaultLeft ?? throw XGBoostJsonParser.Bad($"tree {t} has no default_left");
        int n = left.Length;
        if (n == 0) throw XGBoostJsonParser.Bad($"tree {t} has no nodes");
        if (right.Length != n || feature.Length != n || cond.Length != n || defaultLeft.Length != n || (tree.NumNodes is int nn && nn != n))
            throw XGBoostJsonParser.Bad($"tree {t}: node arrays have different lengths");
        if (tree.HasCategories || (tree.SplitType is { } st && Array.Exists(st, s => s != 0)))
            throw new ModelFormatException($"tree {t} has categorical splits, which the tree evaluator does not support",
                "Encode categorical features as numbers before training.");
        if (tree.SplitType is { } types && types.Length != n) throw XGBoostJsonParser.Bad($"tree {t}: split_type has the wrong length");

        // queue[k] is the original id of the node placed at nodes[first + k]; BFS order equals placement order.
        int first = nodes.Count;
        var queue = new int[n];
        var depth = new int[n];
        var placed = new bool[n];
        queue[0] = 0;
        placed[0] = true;
        int count = 1, maxDepth = 0;
        for (int k = 0; k < count; k++)
        {
            int id = queue[k];
            int self = first + k;
            if (left[id] == -1)
            {
                nodes.Add(TreeNode.Leaf(self));
                leafValues.Add(cond[id]);
                continue;
            }
            int l = left[id], r = right[id];
            if ((uint)l >= (uint)n || (uint)r >= (uint)n || placed[l] || placed[r] || l == r)
                throw XGBoostJsonParser.Bad($"tree {t}: node {id} has invalid children {l} and {r}");
            if ((uint)feature[id] >= (uint)numFeatures)
                throw XGBoostJsonParser.Bad($"tree {t}: node {id} splits on feature {feature[id]} but the model has {numFeatures} features");
            if (float.IsNaN(cond[id])) throw XGBoostJsonParser.Bad($"tree {t}: node {id} has a NaN split condition");
            placed[l] = placed[r] = true;
            depth[l] = depth[r] = depth[id] + 1;
            maxDepth = Math.Max(maxDepth, depth[l]);
            nodes.Add(TreeNode.Split(feature[id], cond[id], defaultLeft[id], first + count));
            leafValues.Add(0f);
            queue[count++] = l;
            queue[count++] = r;
        }
        return maxDepth;
    }
}
