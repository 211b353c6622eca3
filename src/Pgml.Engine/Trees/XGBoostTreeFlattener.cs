namespace Pgml.Engine.Trees;

/// <summary>
/// Lays a parsed XGBoost model's trees out as one <see cref="TreeNode"/> array. Each tree is renumbered breadth-first
/// from its root: siblings become adjacent, unreachable (pruned) nodes are dropped, and a child always comes after its
/// parent. <see cref="Validate"/> then checks the result with the same rules the compiled form is loaded with.
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
        if (numClass < 0 || numTarget < 1) throw XGBoostJsonParser.Bad("negative num_class or num_target");
        if (numTarget > 1)
            throw new ModelFormatException($"multi-target XGBoost models ({numTarget} targets) are not supported by the tree evaluator");
        // Validate rejects a class count that does not fit the objective.
        int numOutputs = kind == TreeObjectiveKind.Softmax ? numClass : Math.Max(numClass, 1);

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
            roots[t] = nodes.Count;
            depths[t] = AppendTree(trees[t], t, nodes, leafValues);
        }
        float baseMargin = TreeObjective.BaseMargin(kind, baseScore);
        var result = new Result(kind, m.Objective, baseMargin, numFeatures, numOutputs, nodes.ToArray(), leafValues.ToArray(), roots, depths, treeInfo);
        Validate(result, XGBoostJsonParser.Bad);
        return result;
    }

    /// <summary>
    /// Checks everything the evaluator takes on trust: it indexes with Unsafe.Add, so one bad index reads outside the
    /// arrays, and it walks a fixed number of levels, so a wrong depth ends the walk off a leaf. Both load paths (XGBoost
    /// JSON after flattening, the compiled form after copying) call this, so the rules exist once.
    /// </summary>
    public static void Validate(Result r, Func<string, ModelFormatException> bad)
    {
        if (!TreeObjective.TryParse(r.Objective, out var kind) || kind != r.Kind)
            throw bad($"objective '{r.Objective}' is unknown or does not match evaluator kind {(int)r.Kind}");
        if (r.NumFeatures < 0) throw bad($"negative feature count {r.NumFeatures}");
        if (r.Kind == TreeObjectiveKind.Softmax ? r.NumOutputs < 1 : r.NumOutputs != 1)
            throw bad($"objective {r.Objective} with {r.NumOutputs} outputs (num_class)");
        int numTrees = r.Roots.Length, numNodes = r.Nodes.Length;
        // XGBoost grows one tree per output per round; the bound also stops a corrupt class count from allocating
        // one TreeGroup per bogus class.
        if (r.NumOutputs > Math.Max(numTrees, 1)) throw bad($"{r.NumOutputs} outputs but only {numTrees} trees");
        if (r.Depths.Length != numTrees || r.Groups.Length != numTrees || r.LeafValues.Length != numNodes)
            throw bad($"{numTrees} roots, {r.Depths.Length} depths, {r.Groups.Length} groups, {numNodes} nodes, {r.LeafValues.Length} leaf values");
        if (numTrees == 0 ? numNodes != 0 : r.Roots[0] != 0) throw bad("the trees do not start at node 0");
        // Trees are contiguous: tree t holds nodes [Roots[t], Roots[t + 1]), the last one ends at the last node.
        for (int t = 0; t < numTrees; t++)
        {
            if ((uint)r.Groups[t] >= (uint)r.NumOutputs) throw bad($"tree {t} belongs to output group {r.Groups[t]} of {r.NumOutputs}");
            int start = r.Roots[t], end = t + 1 < numTrees ? r.Roots[t + 1] : numNodes;
            if (end <= start || end > numNodes) throw bad($"tree {t} spans nodes {start} to {end} of {numNodes}");
            int depth = ValidateTree(r, t, start, end, bad);
            if (r.Depths[t] != depth) throw bad($"tree {t} is {depth} levels deep, the model says {r.Depths[t]}");
        }
    }

    /// <summary>
    /// Checks that nodes [start, end) are one tree in the breadth-first layout Flatten writes and returns its depth.
    /// Each split's children are the next two nodes not yet claimed, so every node has exactly one parent, children
    /// come after their parent (the walk cannot loop) and stay inside the tree. A leaf has a NaN threshold and points
    /// to itself, so stepping from it stays put.
    /// </summary>
    private static int ValidateTree(Result r, int t, int start, int end, Func<string, ModelFormatException> bad)
    {
        // [start, next) are claimed (the root and every child seen so far); the current level ends at levelEnd.
        int next = start + 1, levelEnd = start + 1, depth = 0;
        for (int i = start; i < end; i++)
        {
            if (i >= next) throw bad($"tree {t}: node {i - start} is not reachable from the root");
            if (i == levelEnd)
            {
                depth++;
                levelEnd = next;
            }
            TreeNode node = r.Nodes[i];
            if (float.IsNaN(node.Threshold))
            {
                if (node.Left != (uint)i || node.Feature != 0 || node.MissingRight != 0)
                    throw bad($"tree {t}: node {i - start} has a NaN threshold but is not a leaf pointing to itself");
                continue;
            }
            if (node.Feature >= (uint)r.NumFeatures)
                throw bad($"tree {t}: node {i - start} splits on feature {(int)node.Feature} but the model has {r.NumFeatures} features");
            if (node.MissingRight > 1) throw bad($"tree {t}: node {i - start} has missing direction {node.MissingRight}");
            if (node.Left != (uint)next || end - next < 2)
                throw bad($"tree {t}: node {i - start} has children at {(long)node.Left - start}, expected {next - start} of {end - start} nodes");
            next += 2;
        }
        // Breadth-first, so the last node is on the deepest level.
        return depth;
    }

    /// <summary>Appends tree <paramref name="t"/> breadth-first and returns its depth (edges on the longest root-leaf path).</summary>
    private static int AppendTree(XGBoostJsonTree tree, int t, List<TreeNode> nodes, List<float> leafValues)
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
            // Feature range and NaN conditions are left to Validate, which sees them in the flattened nodes.
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
