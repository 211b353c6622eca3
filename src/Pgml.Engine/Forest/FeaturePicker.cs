using Pgml.Engine.Algorithms;
namespace Pgml.Engine.Forest;

/// <summary>
/// Draws a node's candidate features without replacement, the way scikit-learn's splitters define max_features: the
/// search visits max_features features, a feature found constant in the node counts as visited, but the search goes on
/// until at least one non-constant feature has been seen (if any is left). Features known to be constant (constant in
/// an ancestor, hence in this node) are kept at the front of the shared array and only count when drawn; features found
/// constant here join them for the node's children.
/// </summary>
/// <remarks>
/// Layout of the feature array during a search: [0, drawnConstants) known constants drawn here, [drawnConstants,
/// knownConstants) known constants not drawn yet, [knownConstants, totalConstants) constants found here,
/// [totalConstants, undrawnEnd) features not drawn yet, [undrawnEnd, n) features drawn and not constant. A child's
/// search only reorders positions at or after its own known constants, so a sibling still finds its parent's constants
/// at the front.
/// </remarks>
internal struct FeaturePicker(int[] features, int knownConstants, int maxFeatures)
{
    private readonly int _knownConstants = knownConstants;
    private int _drawnConstants, _foundConstants, _visited, _current;
    private int _totalConstants = knownConstants;
    private int _undrawnEnd = features.Length;

    /// <summary>Features constant in this node, for its children.</summary>
    public readonly int Constants => _totalConstants;

    public bool Next(SeededRandom rng, out int feature)
    {
        while (_undrawnEnd > _totalConstants && (_visited < maxFeatures || _visited <= _foundConstants + _drawnConstants))
        {
            _visited++;
            int j = rng.Next(_drawnConstants, _undrawnEnd - _foundConstants);
            if (j < _knownConstants)
            {
                Swap(_drawnConstants++, j);
                continue;
            }
            _current = j + _foundConstants;
            feature = features[_current];
            return true;
        }
        feature = -1;
        return false;
    }

    /// <summary>The feature just drawn has one value in the node.</summary>
    public void FoundConstant()
    {
        Swap(_current, _totalConstants++);
        _foundConstants++;
    }

    /// <summary>The feature just drawn is searched for a split.</summary>
    public void Accept() => Swap(--_undrawnEnd, _current);

    private readonly void Swap(int a, int b) => (features[a], features[b]) = (features[b], features[a]);
}
