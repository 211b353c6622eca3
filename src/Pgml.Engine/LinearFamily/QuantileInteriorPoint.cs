using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// Quantile regression min Σᵢ ρ_τ(yᵢ − zᵢθ) as a linear program, solved in its bounded dual form
///   max yᵀa  subject to  Zᵀa = (1 − τ)·Zᵀ1,  0 ≤ a ≤ 1
/// by a primal-dual interior-point method with Mehrotra's predictor-corrector, the approach of Portnoy and Koenker's
/// Frisch-Newton algorithm (Statistical Science, 1997), written here from the textbook derivation (Wright, Primal-Dual
/// Interior-Point Methods, 1997). The dual multipliers of the equality are θ, the regression's coefficients; the
/// residuals split as y − Zθ = w − z with z, w ≥ 0 complementary to a and s = 1 − a (a row above the fit has
/// w > 0 and a = 1, one below has z > 0 and a = 0). Each iteration solves one p x p
/// system Σᵢ zᵢzᵢᵀ/qᵢ (qᵢ = zᵢ/aᵢ + wᵢ/sᵢ) for both the predictor and the corrector: O(N·p²) for N rows and p
/// coefficients. a = 1 − τ is feasible from the start and θ starts at least squares, so the iterates stay feasible and
/// only the duality gap aᵀz + sᵀw is driven to zero.
/// </summary>
/// <remarks>Rows are the training rows, [x, 1] with an intercept, then, for a penalty c = α·n, the pseudo-rows ±c·eⱼ
/// with label 0; the per-row vectors live in native memory (a million rows are 40 MB).</remarks>
internal static unsafe class QuantileInteriorPoint
{
    private const double GapTolerance = 1e-12;
    private const int MaxIterations = 200;
    private const double StepFraction = 0.99995;

    public static (double[] Theta, int Iterations) Solve(TrainingSet data, double tau, double penalty, bool fitIntercept)
    {
        int d = data.NumFeatures, p = d + (fitIntercept ? 1 : 0);
        long n = data.TrainRows;
        long rows = n + (penalty > 0 ? 2L * d : 0);
        var rowsOf = new Rows(data, d, p, n, penalty, fitIntercept);
        // a, s = 1 − a, z, w, the residual r = y − Zθ, and the affine step's dx, dz, dw: eight doubles a row
        using var v = new Vectors(rows, 8);
        double* a = v[0], s = v[1], z = v[2], w = v[3], r = v[4], dxa = v[5], dza = v[6], dwa = v[7];
        var zi = new double[p];
        var meter = new Training.WorkMeter(data.CheckInterrupts);

        var theta = LeastSquaresStart(rowsOf, zi, p, rows, meter);
        rowsOf.Residuals(theta, r, zi);
        double scale = 0;
        for (long i = 0; i < rows; i++) scale += Math.Abs(r[i]);
        double shift = Math.Max(scale / rows, 1e-8);   // keeps z, w > 0 while z − w = r exactly
        for (long i = 0; i < rows; i++)
        {
            a[i] = 1 - tau;
            s[i] = tau;
            z[i] = Math.Max(-r[i], 0) + shift;
            w[i] = Math.Max(r[i], 0) + shift;
        }
        var m = new double[p * p];
        var rhs = new double[p];
        int iteration = 0;
        while (iteration < MaxIterations)
        {
            double gap = 0, objective = 0;
            for (long i = 0; i < rows; i++)
            {
                gap += a[i] * z[i] + s[i] * w[i];
                objective += rowsOf.Label(i) * a[i];
            }
            if (gap <= GapTolerance * Math.Max(1, Math.Abs(objective))) break;
            iteration++;
            // the normal matrix Σ zᵢzᵢᵀ/qᵢ, shared by both steps
            Array.Clear(m);
            for (long i = 0; i < rows; i++)
            {
                double qi = z[i] / a[i] + w[i] / s[i];
                rowsOf.Fill(i, zi);
                for (int j = 0; j < p; j++)
                {
                    double f = zi[j] / qi;
                    if (f == 0) continue;
                    for (int k = j; k < p; k++) m[j * p + k] += f * zi[k];
                }
            }
            for (int j = 0; j < p; j++)
                for (int k = 0; k < j; k++) m[j * p + k] = m[k * p + j];
            meter.Add(rows * p * (p + 3L));

            // predictor (affine scaling): complementarity targets 0
            var dTheta = Direction(rowsOf, a, s, z, w, 0, null, null, null, m, rhs, zi, p, rows, dxa, dza, dwa);
            double stepP = Step(a, s, dxa, rows), stepD = Step(z, w, dza, dwa, rows);
            double mu = gap / (2 * rows), muAff = 0;
            for (long i = 0; i < rows; i++)
                muAff += (a[i] + stepP * dxa[i]) * (z[i] + stepD * dza[i]) + (s[i] - stepP * dxa[i]) * (w[i] + stepD * dwa[i]);
            muAff /= 2 * rows;
            double sigma = Math.Pow(muAff / mu, 3);

            // corrector: centred targets σμ less the predictor's second-order terms; reuses r as dx's buffer
            dTheta = Direction(rowsOf, a, s, z, w, sigma * mu, dxa, dza, dwa, m, rhs, zi, p, rows, r, null, null);
            // r now holds dx; dz, dw follow from it
            stepP = 1;
            double stepZ = 1;
            for (long i = 0; i < rows; i++)
            {
                double dx = r[i];
                double dz = (sigma * mu - a[i] * z[i] - dxa[i] * dza[i] - z[i] * dx) / a[i];
                double dw = (sigma * mu - s[i] * w[i] + dxa[i] * dwa[i] + w[i] * dx) / s[i];
                dza[i] = dz;
                dwa[i] = dw;
                if (dx < 0) stepP = Math.Min(stepP, -a[i] / dx);
                if (dx > 0) stepP = Math.Min(stepP, s[i] / dx);
                if (dz < 0) stepZ = Math.Min(stepZ, -z[i] / dz);
                if (dw < 0) stepZ = Math.Min(stepZ, -w[i] / dw);
            }
            stepP = Math.Min(1, StepFraction * stepP);
            stepZ = Math.Min(1, StepFraction * stepZ);
            for (long i = 0; i < rows; i++)
            {
                a[i] += stepP * r[i];
                s[i] = 1 - a[i];
                z[i] += stepZ * dza[i];
                w[i] += stepZ * dwa[i];
            }
            for (int j = 0; j < p; j++) theta[j] += stepZ * dTheta[j];
            meter.Add(rows * (p + 20L));
        }
        if (!theta.All(double.IsFinite))
            throw new InvalidDataException("quantile regression's solver did not converge", "Scale the features and the label.");
        return (theta, iteration);
    }

    /// <summary>
    /// One Newton direction. With ξ_z = target − a∘z − dxₐ∘dzₐ and ξ_w = target − s∘w + dxₐ∘dwₐ (the affine terms only
    /// in the corrector), dz = (ξ_z − z∘dx)/a, dw = (ξ_w + w∘dx)/s; dual feasibility Z·dθ = dz − dw gives
    /// dx = (g − Z·dθ)/q with g = ξ_z/a − ξ_w/s, and Zᵀdx = 0 when (ZᵀQ⁻¹Z)dθ = ZᵀQ⁻¹g. Writes dx (and, when asked, dz and dw) and returns dθ.
    /// </summary>
    private static double[] Direction(Rows rowsOf, double* a, double* s, double* z, double* w, double target,
        double* dxa, double* dza, double* dwa, double[] m, double[] rhs, double[] zi, int p, long rows,
        double* dxOut, double* dzOut, double* dwOut)
    {
        Array.Clear(rhs);
        for (long i = 0; i < rows; i++)
        {
            double xiZ = target - a[i] * z[i] - (dxa is null ? 0 : dxa[i] * dza[i]);
            double xiW = target - s[i] * w[i] + (dxa is null ? 0 : dxa[i] * dwa[i]);
            double qi = z[i] / a[i] + w[i] / s[i];
            double g = xiZ / a[i] - xiW / s[i];
            rowsOf.Fill(i, zi);
            for (int j = 0; j < p; j++) rhs[j] += zi[j] * g / qi;
        }
        var dTheta = Linear.SymmetricSolver.Solve(m, p, rhs, 1, out _);
        for (long i = 0; i < rows; i++)
        {
            double xiZ = target - a[i] * z[i] - (dxa is null ? 0 : dxa[i] * dza[i]);
            double xiW = target - s[i] * w[i] + (dxa is null ? 0 : dxa[i] * dwa[i]);
            double qi = z[i] / a[i] + w[i] / s[i];
            double g = xiZ / a[i] - xiW / s[i];
            rowsOf.Fill(i, zi);
            double zd = 0;
            for (int j = 0; j < p; j++) zd += zi[j] * dTheta[j];
            double dx = (g - zd) / qi;
            dxOut[i] = dx;
            if (dzOut != null) dzOut[i] = (xiZ - z[i] * dx) / a[i];
            if (dwOut != null) dwOut[i] = (xiW + w[i] * dx) / s[i];
        }
        return dTheta;
    }

    /// <summary>The longest step in [0, 1] keeping a and s = 1 − a positive (the affine step, not shortened).</summary>
    private static double Step(double* a, double* s, double* dx, long rows)
    {
        double step = 1;
        for (long i = 0; i < rows; i++)
        {
            if (dx[i] < 0) step = Math.Min(step, -a[i] / dx[i]);
            if (dx[i] > 0) step = Math.Min(step, s[i] / dx[i]);
        }
        return step;
    }

    private static double Step(double* z, double* w, double* dz, double* dw, long rows)
    {
        double step = 1;
        for (long i = 0; i < rows; i++)
        {
            if (dz[i] < 0) step = Math.Min(step, -z[i] / dz[i]);
            if (dw[i] < 0) step = Math.Min(step, -w[i] / dw[i]);
        }
        return step;
    }

    /// <summary>θ minimising ‖y − Zθ‖² over every row (the pseudo-rows shrink it like a ridge).</summary>
    private static double[] LeastSquaresStart(Rows rowsOf, double[] zi, int p, long rows, Training.WorkMeter meter)
    {
        var m = new double[p * p];
        var b = new double[p];
        for (long i = 0; i < rows; i++)
        {
            rowsOf.Fill(i, zi);
            double y = rowsOf.Label(i);
            for (int j = 0; j < p; j++)
            {
                b[j] += zi[j] * y;
                for (int k = 0; k < p; k++) m[j * p + k] += zi[j] * zi[k];
            }
        }
        meter.Add(rows * p * p);
        return Linear.SymmetricSolver.Solve(m, p, b, 1, out _);
    }

    /// <summary>The rows of Z: the training rows (with a trailing 1 for the intercept), then the penalty's pseudo-rows.</summary>
    private sealed class Rows(TrainingSet data, int d, int p, long n, double penalty, bool fitIntercept)
    {
        public void Fill(long i, double[] zi)
        {
            if (i < n)
            {
                float* x = data.Features.Data + i * d;
                for (int j = 0; j < d; j++) zi[j] = x[j];
                if (fitIntercept) zi[d] = 1;
                return;
            }
            Array.Clear(zi);
            long k = i - n;
            zi[k / 2] = k % 2 == 0 ? penalty : -penalty;
        }

        public double Label(long i) => i < n ? data.LabelPointer[i] : 0;

        public void Residuals(double[] theta, double* r, double[] zi)
        {
            long rows = n + (penalty > 0 ? 2L * d : 0);
            for (long i = 0; i < rows; i++)
            {
                Fill(i, zi);
                double fit = 0;
                for (int j = 0; j < p; j++) fit += zi[j] * theta[j];
                r[i] = Label(i) - fit;
            }
        }
    }

    /// <summary>Some vectors of one double per row, in native memory.</summary>
    private sealed class Vectors : IDisposable
    {
        private readonly double*[] _data;

        public Vectors(long rows, int count)
        {
            _data = new double*[count];
            for (int k = 0; k < count; k++) _data[k] = (double*)NativeMemory.AllocZeroed((nuint)rows, sizeof(double));
        }

        public double* this[int k] => _data[k];

        public void Dispose()
        {
            foreach (var pointer in _data) NativeMemory.Free(pointer);
        }
    }
}
