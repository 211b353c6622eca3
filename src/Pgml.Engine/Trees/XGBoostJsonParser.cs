using System.Globalization;
using System.Text.Json;

namespace Pgml.Engine.Trees;

/// <summary>
/// Streams XGBoost's JSON model format (what XGBoosterSaveModelToBuffer writes with format=json) into an
/// <see cref="XGBoostJsonModel"/>. Utf8JsonReader rather than JsonDocument: a large forest is millions of numbers and a
/// DOM would cost several times the model's size. Keys are matched in any order because XGBoost writes them sorted,
/// so the model comes before the booster's name and objective. Every failure is a <see cref="ModelFormatException"/>.
/// </summary>
internal static class XGBoostJsonParser
{
    private const string Hint = "The model bytes are not an XGBoost JSON model; retrain the model.";

    public static XGBoostJsonModel Parse(ReadOnlySpan<byte> json)
    {
        var model = new XGBoostJsonModel();
        try
        {
            var r = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            Expect(ref r, JsonTokenType.StartObject, "the model");
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("learner"u8)) ReadLearner(ref r, model);
                else r.Skip();
            }
            // Utf8JsonReader throws on trailing garbage once asked for another token.
            if (r.Read()) throw Bad("unexpected data after the model");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"invalid XGBoost JSON model: {e.Message}", Hint, e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new ModelFormatException($"invalid XGBoost JSON model: {e.Message}", Hint, e);
        }
        return model;
    }

    private static void ReadLearner(ref Utf8JsonReader r, XGBoostJsonModel model)
    {
        Expect(ref r, JsonTokenType.StartObject, "learner");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("gradient_booster"u8)) ReadGradientBooster(ref r, model);
            else if (r.ValueTextEquals("learner_model_param"u8)) ReadLearnerModelParam(ref r, model);
            else if (r.ValueTextEquals("objective"u8)) ReadObjective(ref r, model);
            else r.Skip();
        }
    }

    private static void ReadLearnerModelParam(ref Utf8JsonReader r, XGBoostJsonModel model)
    {
        Expect(ref r, JsonTokenType.StartObject, "learner_model_param");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("base_score"u8)) model.BaseScore = ReadScalarText(ref r, "base_score");
            else if (r.ValueTextEquals("num_class"u8)) model.NumClass = ReadScalarText(ref r, "num_class");
            else if (r.ValueTextEquals("num_feature"u8)) model.NumFeature = ReadScalarText(ref r, "num_feature");
            else if (r.ValueTextEquals("num_target"u8)) model.NumTarget = ReadScalarText(ref r, "num_target");
            else r.Skip();
        }
    }

    private static void ReadObjective(ref Utf8JsonReader r, XGBoostJsonModel model)
    {
        Expect(ref r, JsonTokenType.StartObject, "objective");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("name"u8)) model.Objective = ReadString(ref r, "objective name");
            else r.Skip();
        }
    }

    private static void ReadGradientBooster(ref Utf8JsonReader r, XGBoostJsonModel model)
    {
        Expect(ref r, JsonTokenType.StartObject, "gradient_booster");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("name"u8)) model.BoosterName = ReadString(ref r, "gradient_booster name");
            // The model precedes the name, so a gblinear "model" is read here too; it simply has no trees.
            else if (r.ValueTextEquals("model"u8)) ReadTreeModel(ref r, model);
            else r.Skip();
        }
    }

    private static void ReadTreeModel(ref Utf8JsonReader r, XGBoostJsonModel model)
    {
        Expect(ref r, JsonTokenType.StartObject, "gradient_booster model");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("trees"u8))
            {
                Expect(ref r, JsonTokenType.StartArray, "trees");
                model.Trees = new List<XGBoostJsonTree>();
                while (Next(ref r) != JsonTokenType.EndArray)
                {
                    if (r.TokenType != JsonTokenType.StartObject) throw Bad("trees must be an array of objects");
                    model.Trees.Add(ReadTree(ref r));
                }
            }
            else if (r.ValueTextEquals("tree_info"u8)) model.TreeInfo = ReadIntArray(ref r, "tree_info");
            else if (r.ValueTextEquals("gbtree_model_param"u8))
            {
                Expect(ref r, JsonTokenType.StartObject, "gbtree_model_param");
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("num_trees"u8)) model.DeclaredNumTrees = ParseInt(ReadScalarText(ref r, "num_trees"), "num_trees");
                    else r.Skip();
                }
            }
            else r.Skip();
        }
    }

    /// <summary>Reads one tree object; the reader is on its StartObject and ends on its EndObject.</summary>
    private static XGBoostJsonTree ReadTree(ref Utf8JsonReader r)
    {
        var tree = new XGBoostJsonTree();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("left_children"u8)) tree.LeftChildren = ReadIntArray(ref r, "left_children");
            else if (r.ValueTextEquals("right_children"u8)) tree.RightChildren = ReadIntArray(ref r, "right_children");
            else if (r.ValueTextEquals("split_indices"u8)) tree.SplitIndices = ReadIntArray(ref r, "split_indices");
            else if (r.ValueTextEquals("split_conditions"u8)) tree.SplitConditions = ReadFloatArray(ref r, "split_conditions");
            else if (r.ValueTextEquals("default_left"u8)) tree.DefaultLeft = ReadBoolArray(ref r, "default_left");
            else if (r.ValueTextEquals("split_type"u8)) tree.SplitType = ReadIntArray(ref r, "split_type");
            else if (r.ValueTextEquals("categories_nodes"u8)) tree.HasCategories |= ReadIntArray(ref r, "categories_nodes").Length > 0;
            else if (r.ValueTextEquals("categories"u8)) tree.HasCategories |= ReadIntArray(ref r, "categories").Length > 0;
            else if (r.ValueTextEquals("tree_param"u8))
            {
                Expect(ref r, JsonTokenType.StartObject, "tree_param");
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("num_nodes"u8)) tree.NumNodes = ParseInt(ReadScalarText(ref r, "num_nodes"), "num_nodes");
                    else r.Skip();
                }
            }
            else r.Skip();
        }
        return tree;
    }

    private static int[] ReadIntArray(ref Utf8JsonReader r, string what)
    {
        Expect(ref r, JsonTokenType.StartArray, what);
        var values = new List<int>();
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out int v))
                throw Bad($"{what} must hold 32-bit integers");
            values.Add(v);
        }
        return values.ToArray();
    }

    private static float[] ReadFloatArray(ref Utf8JsonReader r, string what)
    {
        Expect(ref r, JsonTokenType.StartArray, what);
        var values = new List<float>();
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            // XGBoost writes each float32 as its shortest round-trip decimal; parsing straight to float (not via
            // double) gives back the exact bits.
            if (r.TokenType != JsonTokenType.Number || !r.TryGetSingle(out float v))
                throw Bad($"{what} must hold float32 numbers");
            values.Add(v);
        }
        return values.ToArray();
    }

    /// <summary>XGBoost 1.7 writes default_left as 0/1; later versions may write booleans. Both are accepted.</summary>
    private static bool[] ReadBoolArray(ref Utf8JsonReader r, string what)
    {
        Expect(ref r, JsonTokenType.StartArray, what);
        var values = new List<bool>();
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            switch (r.TokenType)
            {
                case JsonTokenType.True: values.Add(true); break;
                case JsonTokenType.False: values.Add(false); break;
                case JsonTokenType.Number when r.TryGetInt32(out int v) && (v == 0 || v == 1): values.Add(v == 1); break;
                default: throw Bad($"{what} must hold 0/1 or booleans");
            }
        }
        return values.ToArray();
    }

    /// <summary>XGBoost writes parameters as strings ("5E-1"); a plain number is accepted too.</summary>
    private static string ReadScalarText(ref Utf8JsonReader r, string what)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.String => r.GetString()!,
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(r.ValueSpan),
            _ => throw Bad($"{what} must be a string or a number"),
        };
    }

    private static string ReadString(ref Utf8JsonReader r, string what)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.String) throw Bad($"{what} must be a string");
        return r.GetString()!;
    }

    internal static int ParseInt(string text, string what) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad($"{what} is not an integer: '{text}'");

    internal static float ParseFloat(string text, string what) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw Bad($"{what} is not a number: '{text}'");

    /// <summary>Advances to the next property name; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader r)
    {
        JsonTokenType t = Next(ref r);
        if (t == JsonTokenType.EndObject) return false;
        if (t != JsonTokenType.PropertyName) throw Bad("expected a property name");
        return true;
    }

    private static JsonTokenType Next(ref Utf8JsonReader r)
    {
        // Read() returns false only when the input ends; a truncated model ends in the middle of a value.
        if (!r.Read()) throw Bad("the model JSON ends early (truncated?)");
        return r.TokenType;
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type, string what)
    {
        if (Next(ref r) != type) throw Bad($"{what} must be a JSON {(type == JsonTokenType.StartArray ? "array" : "object")}");
    }

    internal static ModelFormatException Bad(string message) => new($"invalid XGBoost JSON model: {message}", Hint);
}
