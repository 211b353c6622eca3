namespace Pgml.Engine.LinearFamily;

/// <summary>
/// The lower Cholesky factor L of G_SS for a selection S of features that grows one at a time (LARS, OMP): a new
/// feature's row is L⁻¹G_S,new, found in O(k²), and its pivot G_new,new − ‖row‖² says whether it is independent of
/// the selection. Stored row-major with stride d, so it never moves.
/// </summary>
internal sealed class GrowingCholesky(double[] gram, int d)
{
    private readonly double[] _l = new double[d * d];

    public int Count { get; private set; }

    /// <summary>Writes the candidate's row after the current ones and returns its squared pivot (not yet accepted).</summary>
    public double Propose(IReadOnlyList<int> selection, int candidate)
    {
        int k = Count;
        double v = 0;
        for (int a = 0; a < k; a++)
        {
            double s = gram[selection[a] * d + candidate];
            for (int b = 0; b < a; b++) s -= _l[a * d + b] * _l[k * d + b];
            s /= _l[a * d + a];
            _l[k * d + a] = s;
            v += s * s;
        }
        return gram[candidate * d + candidate] - v;
    }

    /// <summary>Accepts the proposed row with this diagonal.</summary>
    public void Accept(double diagonal) => _l[Count * d + Count++] = diagonal;

    /// <summary>(L Lᵀ)⁻¹ b over the accepted rows.</summary>
    public double[] Solve(IReadOnlyList<double> b, double diagonalShift = 0)
    {
        int m = Count;
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= _l[i * d + k] * y[k];
            y[i] = s / (_l[i * d + i] + diagonalShift);
        }
        for (int i = m - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < m; k++) s -= _l[k * d + i] * y[k];
            y[i] = s / (_l[i * d + i] + diagonalShift);
        }
        return y;
    }

    /// <summary>The factor of a new selection from scratch (after features left it).</summary>
    public void Refactor(IReadOnlyList<int> selection)
    {
        int m = selection.Count;
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = gram[selection[i] * d + selection[j]];
                for (int k = 0; k < j; k++) s -= _l[i * d + k] * _l[j * d + k];
                _l[i * d + j] = i == j ? Math.Sqrt(Math.Max(s, 0)) : s / _l[j * d + j];
            }
        Count = m;
    }
}
