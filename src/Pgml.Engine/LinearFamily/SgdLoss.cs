namespace Pgml.Engine.LinearFamily;

/// <summary>The per-sample losses of scikit-learn's SGD family, by their names there.</summary>
internal enum SgdLossKind { Hinge, SquaredHinge, Log, ModifiedHuber, Squared, Huber, EpsilonInsensitive, SquaredEpsilonInsensitive }

/// <summary>
/// One loss with its parameter (hinge's threshold: 1, or 0 for the perceptron; huber's and the ε-insensitive
/// losses' ε): its value and its derivative in the prediction p, for a target y (±1 for classification).
/// </summary>
internal readonly record struct SgdLoss(SgdLossKind Kind, double Parameter = 0)
{
    public bool IsClassification => Kind is SgdLossKind.Hinge or SgdLossKind.SquaredHinge or SgdLossKind.Log or SgdLossKind.ModifiedHuber;

    public double Loss(double p, double y)
    {
        switch (Kind)
        {
            case SgdLossKind.Hinge: return Math.Max(0, Parameter - p * y);
            case SgdLossKind.SquaredHinge: { double z = Parameter - p * y; return z > 0 ? z * z : 0; }
            case SgdLossKind.Log:
            {
                double z = p * y;
                if (z > 18) return Math.Exp(-z);
                if (z < -18) return -z;
                return Math.Log(1 + Math.Exp(-z));
            }
            case SgdLossKind.ModifiedHuber:
            {
                double z = p * y;
                if (z >= 1) return 0;
                return z >= -1 ? (1 - z) * (1 - z) : -4 * z;
            }
            case SgdLossKind.Squared: return 0.5 * (p - y) * (p - y);
            case SgdLossKind.Huber:
            {
                double r = Math.Abs(p - y);
                return r <= Parameter ? 0.5 * r * r : Parameter * r - 0.5 * Parameter * Parameter;
            }
            case SgdLossKind.EpsilonInsensitive: return Math.Max(0, Math.Abs(y - p) - Parameter);
            default: { double r = Math.Abs(y - p) - Parameter; return r > 0 ? r * r : 0; }
        }
    }

    public double Derivative(double p, double y)
    {
        switch (Kind)
        {
            case SgdLossKind.Hinge: return p * y <= Parameter ? -y : 0;
            case SgdLossKind.SquaredHinge: { double z = Parameter - p * y; return z > 0 ? -2 * y * z : 0; }
            case SgdLossKind.Log:
            {
                double z = p * y;
                if (z > 18) return -y * Math.Exp(-z);
                if (z < -18) return -y;
                return -y / (Math.Exp(z) + 1);
            }
            case SgdLossKind.ModifiedHuber:
            {
                double z = p * y;
                if (z >= 1) return 0;
                return z >= -1 ? -2 * (1 - z) * y : -4 * y;
            }
            case SgdLossKind.Squared: return p - y;
            case SgdLossKind.Huber:
            {
                double r = p - y;
                return Math.Abs(r) <= Parameter ? r : r > 0 ? Parameter : -Parameter;
            }
            case SgdLossKind.EpsilonInsensitive: return y - p > Parameter ? -1 : p - y > Parameter ? 1 : 0;
            default:
            {
                double z = y - p;
                return z > Parameter ? -2 * (z - Parameter) : z < -Parameter ? 2 * (-z - Parameter) : 0;
            }
        }
    }
}
