using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pgml.Engine.LightGbm;

/// <summary>
/// One split of the flattened LightGBM forest (20 bytes), with LightGBM's double threshold, missing type and the
/// |x| &lt;= kZeroThreshold rule folded into one float comparison (see <see cref="LightGbmEnsemble.Fold"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LightGbmNode
{
    /// <summary>A non-NaN float32 value goes left when value &lt;= Threshold (unless Mode makes it missing).</summary>
    public float Threshold;

    public int Feature;

    /// <summary>Children: a split's index in the node array, or ~(leaf index in the leaf array) for a leaf.</summary>
    public int Left, Right;

    /// <summary>
    /// 0: NaN goes right; 1: NaN goes left (MissingType None or NaN, zeros compared as numbers);
    /// 2 / 3: MissingType Zero, NaN and |x| &lt;= kZeroThreshold go right / left.
    /// </summary>
    public int Mode;
}

/// <summary>
/// A LightGBM gbdt model evaluated in C#, bit-identical to lib_lightgbm's own LGBM_BoosterPredictForMat on float32 rows
/// (C_API_PREDICT_NORMAL and C_API_PREDICT_RAW_SCORE). Immutable and thread-safe after construction; prediction
/// allocates nothing (for up to 256 classes) and never throws for NaN (missing) features.
/// </summary>
/// <remarks>
/// <para>Why a separate class rather than <see cref="Trees.TreeEnsemble"/>: the thresholds could be shared (this class
/// also decides in float, see below, and "v &lt;= T" equals XGBoost's "v &lt; BitIncrement(T)"), but LightGBM sums the
/// trees in double from 0.0 where XGBoost sums in float from a base margin; MissingType::Zero sends zeros to the
/// default side, which a threshold plus a NaN direction cannot express; and LightGBM grows trees leaf-wise (31 leaves
/// can be 30 levels deep), where TreeEnsemble walks every tree of a block a fixed number of levels. Generalising it
/// would slow XGBoost's branch-free float walk and change its versioned compiled format; a separate class keeps both
/// exact and simple.</para>
/// <para>The semantics replicated, from LightGBM 4.x: LGBM_BoosterPredictForMat turns each float32 row into double
/// pairs and leaves out every value with |x| &lt;= kZeroThreshold (1e-35f as double), so those reach the trees as 0.0
/// (c_api.cpp RowPairFunctionFromDenseMatric; predictor.hpp's buffer is zero-filled). Tree::NumericalDecision
/// (include/LightGBM/tree.h): NaN becomes 0.0 unless the split's missing type is NaN; MissingType::Zero sends values
/// with IsZero(v) (|v| &lt;= kZeroThreshold) and MissingType::NaN sends NaN to the default side; otherwise v &lt;=
/// threshold goes left. A one-leaf tree returns its leaf. GBDT::PredictRaw sums each class's trees in double, from 0.0,
/// in iteration order; GBDT::Predict then applies the objective's ConvertOutput (<see cref="LightGbmObjective"/>).</para>
/// <para>How it is evaluated: the input is float32, so each split is decided in float. For a float v,
/// (double)v &lt;= t exactly when v &lt;= the largest float not above t, and the "|x| &lt;= kZeroThreshold reads as 0.0"
/// rule only matters for thresholds in [-kZeroThreshold, kZeroThreshold), where it becomes a threshold of
/// ±1e-35f; NaN's side is fixed per split (None: the side of 0.0; NaN: default_left). <see cref="Fold"/> does this
/// once when the model is loaded; tests compare with lib_lightgbm on thresholds and values chosen at every edge.</para>
/// </remarks>
internal sealed class LightGbmEnsemble
{
    /// <summary>LightGBM's kZeroThreshold: declared `const double kZeroThreshold = 1e-35f`, a float widened to double.</summary>
    internal const double KZeroThreshold = (double)1e-35f;

    private const float KZeroThresholdF = 1e-35f;

    private const int StackOutputs = 256;

    private readonly LightGbmNode[] _nodes;
    private readonly double[] _leaves;
    // Per tree, the root: a split index, or ~leaf for a one-leaf tree. Tree t belongs to output t % NumOutputs.
    private readonly int[] _roots;
    private readonly LightGbmObjective _objective;

    private LightGbmEnsemble(LightGbmNode[] nodes, double[] leaves, int[] roots, LightGbmObjective objective, int numFeatures, int numOutputs)
    {
        _nodes = nodes;
        _leaves = leaves;
        _roots = roots;
        _objective = objective;
        NumFeatures = numFeatures;
        NumOutputs = numOutputs;
    }

    /// <summary>
    /// Parses the text LightGBM 4.x saves (LGBM_BoosterSaveModelToString, what <see cref="LightGbmTrainer.Train"/>
    /// returns). Throws <see cref="ModelFormatException"/> for anything malformed, and for what the evaluator does not
    /// support yet: categorical splits, linear trees, boosting other than gbdt (rf, dart), other objectives.
    /// </summary>
    public static LightGbmEnsemble FromLightGbmText(ReadOnlySpan<byte> text)
    {
        var m = LightGbmTextParser.Parse(text);
        if (m.Version is not ("v2" or "v3" or "v4"))
            throw new ModelFormatException($"LightGBM model version '{m.Version}' is not supported by the tree evaluator; v2 to v4 are",
                "Train the model with LightGBM 4.x (what pgml uses).");
        // rf averages its trees (average_output); dart and the others are rejected by name until they are tested.
        string? boosting = m.AverageOutput ? "rf" : m.Boosting;
        if (boosting is not (null or "gbdt" or "gbrt"))
            throw new ModelFormatException(
                $"LightGBM boosting '{boosting}' is not supported by the tree evaluator; only gbdt is",
                "Train with boosting = 'gbdt'.");
        var objective = m.Objective is null ? LightGbmObjective.None : LightGbmObjective.Parse(m.Objective);
        if (m.NumClass < 1 || m.NumTreePerIteration < 1)
            throw LightGbmTextParser.Bad($"num_class {m.NumClass} and num_tree_per_iteration {m.NumTreePerIteration} must be positive");
        if (m.NumTreePerIteration != objective.NumClass || (m.Objective is not null && m.NumClass != objective.NumClass))
            throw LightGbmTextParser.Bad(
                $"num_class {m.NumClass} and num_tree_per_iteration {m.NumTreePerIteration} do not fit objective '{objective.Text}'");
        if (m.MaxFeatureIdx is < 0 or int.MaxValue) throw LightGbmTextParser.Bad($"max_feature_idx {m.MaxFeatureIdx} is out of range");
        int numFeatures = m.MaxFeatureIdx + 1;
        int numOutputs = m.NumTreePerIteration;
        int numTrees = m.Trees.Count;
        // LightGBM predicts with numTrees / numOutputs whole iterations; pgml's models never have a partial one.
        if (numTrees % numOutputs != 0)
            throw LightGbmTextParser.Bad($"{numTrees} trees is not a whole number of iterations of {numOutputs} trees");

        long totalSplits = 0, totalLeaves = 0;
        for (int t = 0; t < numTrees; t++)
        {
            var tree = m.Trees[t];
            if (tree.NumCat > 0)
                throw new ModelFormatException($"tree {t} of the LightGBM model has categorical splits, which the tree evaluator does not support yet",
                    "Encode categorical features as numbers (the default) rather than declaring categorical_feature.");
            if (tree.IsLinear)
                throw new ModelFormatException($"tree {t} of the LightGBM model is a linear tree, which the tree evaluator does not support",
                    "Train without linear_tree.");
            totalSplits += tree.NumLeaves - 1;
            totalLeaves += tree.NumLeaves;
        }
        if (totalSplits > Array.MaxLength || totalLeaves > Array.MaxLength)
            throw LightGbmTextParser.Bad($"{totalLeaves} leaves is too many");

        var nodes = new LightGbmNode[totalSplits];
        var leaves = new double[totalLeaves];
        var roots = new int[numTrees];
        int nodeBase = 0, leafBase = 0;
        for (int t = 0; t < numTrees; t++)
        {
            var tree = m.Trees[t];
            roots[t] = AppendTree(tree, t, numFeatures, nodes, nodeBase, leaves, leafBase);
            nodeBase += tree.NumLeaves - 1;
            leafBase += tree.NumLeaves;
        }
        return new LightGbmEnsemble(nodes, leaves, roots, objective, numFeatures, numOutputs);
    }

    /// <summary>
    /// Copies tree <paramref name="t"/> into the global arrays after checking everything the walk takes on trust: every
    /// child index is in range, every split and leaf has exactly one parent and is reachable from the root (so the walk
    /// always ends on a leaf), features are in range and splits are numerical with a known missing type.
    /// </summary>
    private static int AppendTree(LightGbmTextTree tree, int t, int numFeatures, LightGbmNode[] nodes, int nodeBase, double[] leaves, int leafBase)
    {
        int splits = tree.NumLeaves - 1;
        tree.LeafValue.CopyTo(leaves, leafBase);
        if (splits == 0) return ~leafBase;

        var seenSplit = new bool[splits];
        var seenLeaf = new bool[tree.NumLeaves];
        var stack = new int[splits];
        int depth = 0, visitedSplits = 0, visitedLeaves = 0;
        stack[depth++] = 0;
        seenSplit[0] = true;
        while (depth > 0)
        {
            int i = stack[--depth];
            visitedSplits++;
            sbyte type = tree.DecisionType[i];
            if ((type & 1) != 0)
                throw new ModelFormatException($"tree {t} of the LightGBM model has categorical splits, which the tree evaluator does not support yet",
                    "Encode categorical features as numbers (the default) rather than declaring categorical_feature.");
            int missingType = (type >> 2) & 3;
            if (missingType == 3) throw LightGbmTextParser.Bad($"tree {t}: split {i} has decision_type {type}, an unknown missing type");
            int feature = tree.SplitFeature[i];
            if ((uint)feature >= (uint)numFeatures)
                throw LightGbmTextParser.Bad($"tree {t}: split {i} uses feature {feature} but the model has {numFeatures} features");
            var (threshold, mode) = Fold(tree.Threshold[i], missingType, (type & 2) != 0);
            nodes[nodeBase + i] = new LightGbmNode
            {
                Threshold = threshold,
                Feature = feature,
                Left = Child(tree.LeftChild[i]),
                Right = Child(tree.RightChild[i]),
                Mode = mode,
            };
        }
        if (visitedSplits != splits || visitedLeaves != tree.NumLeaves)
            throw LightGbmTextParser.Bad($"tree {t}: {splits - visitedSplits} splits and {tree.NumLeaves - visitedLeaves} leaves are not reachable from the root");
        return nodeBase;

        int Child(int c)
        {
            if (c >= 0)
            {
                if (c >= splits || seenSplit[c]) throw LightGbmTextParser.Bad($"tree {t}: invalid or repeated child split {c}");
                seenSplit[c] = true;
                stack[depth++] = c;
                return nodeBase + c;
            }
            int leaf = ~c;
            if (leaf >= tree.NumLeaves || seenLeaf[leaf]) throw LightGbmTextParser.Bad($"tree {t}: invalid or repeated leaf {leaf}");
            seenLeaf[leaf] = true;
            visitedLeaves++;
            return ~(leafBase + leaf);
        }
    }

    /// <summary>Features the model expects (max_feature_idx + 1); the feature span passed to prediction must be at least this long.</summary>
    public int NumFeatures { get; }

    /// <summary>Values per prediction: 1 for regression and binary, the class count for multiclass and multiclassova.</summary>
    public int NumOutputs { get; }

    /// <summary>The model's objective line, e.g. "binary sigmoid:1" or "multiclass num_class:3" ("none" when it has none).</summary>
    public string Objective => _objective.Text;

    /// <summary>LightGBM's objective name, e.g. "binary".</summary>
    public string ObjectiveName => _objective.Name;

    public int NumTrees => _roots.Length;

    /// <summary>Boosting iterations: trees / outputs.</summary>
    public int NumIterations => _roots.Length / NumOutputs;

    /// <summary>Raw scores exactly as LightGBM's C_API_PREDICT_RAW_SCORE returns them (doubles).</summary>
    public void PredictMargin(ReadOnlySpan<float> features, Span<double> margins)
    {
        if (features.Length < NumFeatures) ThrowFeaturesTooShort(features.Length);
        if (margins.Length < NumOutputs) ThrowOutputTooShort(margins.Length);
        Margins(features, margins[..NumOutputs]);
    }

    /// <summary>Predictions exactly as LightGBM's C_API_PREDICT_NORMAL returns them (doubles): probabilities for
    /// binary / multiclass(ova), exp of the score for poisson, gamma, tweedie, the score otherwise.</summary>
    public void Predict(ReadOnlySpan<float> features, Span<double> output)
    {
        PredictMargin(features, output);
        _objective.Apply(output[..NumOutputs]);
    }

    /// <summary><see cref="PredictMargin(ReadOnlySpan{float}, Span{double})"/> cast to float32 (each value rounded once, at the end).</summary>
    public void PredictMargin(ReadOnlySpan<float> features, Span<float> margins) => PredictAsFloat(features, margins, transform: false);

    /// <summary><see cref="Predict(ReadOnlySpan{float}, Span{double})"/> cast to float32 (each value rounded once, at the end).</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output) => PredictAsFloat(features, output, transform: true);

    [SkipLocalsInit]
    private void PredictAsFloat(ReadOnlySpan<float> features, Span<float> output, bool transform)
    {
        if (features.Length < NumFeatures) ThrowFeaturesTooShort(features.Length);
        if (output.Length < NumOutputs) ThrowOutputTooShort(output.Length);
        double[]? rented = null;
        Span<double> values = NumOutputs <= StackOutputs
            ? stackalloc double[StackOutputs]
            : (rented = ArrayPool<double>.Shared.Rent(NumOutputs));
        values = values[..NumOutputs];
        try
        {
            Margins(features, values);
            if (transform) _objective.Apply(values);
            for (int k = 0; k < values.Length; k++) output[k] = (float)values[k];
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>GBDT::PredictRaw: for each output, its trees' leaves summed in double from 0.0, in iteration order.</summary>
    private void Margins(ReadOnlySpan<float> features, Span<double> margins)
    {
        int k = margins.Length;
        int[] roots = _roots;
        ref LightGbmNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref double leaves = ref MemoryMarshal.GetArrayDataReference(_leaves);
        ref float f = ref MemoryMarshal.GetReference(features);
        for (int g = 0; g < k; g++)
        {
            double sum = 0.0;
            for (int t = g; t < roots.Length; t += k)
            {
                // Validated when loaded: every index is in range and every walk ends on a leaf.
                int node = roots[t];
                while (node >= 0)
                    node = Step(ref Unsafe.Add(ref nodes, (nuint)(uint)node), ref f);
                sum += Unsafe.Add(ref leaves, (nuint)(uint)~node);
            }
            margins[g] = sum;
        }
    }

    /// <summary>One split, as LightGBM decides it for a float32 input (see the class remarks and <see cref="Fold"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref LightGbmNode n, ref float features)
    {
        float v = Unsafe.Add(ref features, (nuint)(uint)n.Feature);
        bool left;
        if (n.Mode < 2)
            left = v <= n.Threshold | (float.IsNaN(v) & n.Mode != 0);
        else
            left = float.IsNaN(v) || MathF.Abs(v) <= KZeroThresholdF ? n.Mode == 3 : v <= n.Threshold;
        return left ? n.Left : n.Right;
    }

    /// <summary>
    /// LightGBM's split (double threshold <paramref name="t"/>, missing type, default_left) as a float threshold and a
    /// <see cref="LightGbmNode.Mode"/>, exact for every float32 input v:
    /// <list type="bullet">
    /// <item>(double)v &lt;= t ⟺ v &lt;= FloorFloat(t), the largest float not above t (±infinity included);</item>
    /// <item>None and NaN types read |v| &lt;= kZeroThreshold as 0.0 (PredictForMat drops it). That changes the answer
    /// only for t in [-kZeroThreshold, kZeroThreshold): then t &gt;= 0 sends the whole zero band left (threshold
    /// 1e-35f) and t &lt; 0 sends it right (threshold: the float below -1e-35f);</item>
    /// <item>NaN: None reads it as 0.0, so it goes where 0.0 goes; NaN type follows default_left;</item>
    /// <item>Zero type: NaN and the zero band follow default_left, other values compare with FloorFloat(t).</item>
    /// </list>
    /// A NaN threshold sends every number right, as LightGBM's "fval &lt;= NaN" does.
    /// </summary>
    internal static (float Threshold, int Mode) Fold(double t, int missingType, bool defaultLeft)
    {
        if (missingType == 1) return (FloorFloat(t), defaultLeft ? 3 : 2);
        float threshold = double.IsNaN(t) || t >= KZeroThreshold || t < -KZeroThreshold
            ? FloorFloat(t)
            : t >= 0 ? KZeroThresholdF : MathF.BitDecrement(-KZeroThresholdF);
        bool nanLeft = missingType == 2 ? defaultLeft : 0.0 <= t;
        return (threshold, nanLeft ? 1 : 0);
    }

    /// <summary>The largest float not above <paramref name="t"/> (NaN for NaN).</summary>
    private static float FloorFloat(double t)
    {
        float f = (float)t;
        return (double)f > t ? MathF.BitDecrement(f) : f;
    }

    private void ThrowFeaturesTooShort(int length) =>
        throw new ArgumentException($"the model needs {NumFeatures} features, got {length}", "features");

    private void ThrowOutputTooShort(int length) =>
        throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {length}");
}
