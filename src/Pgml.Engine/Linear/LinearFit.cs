namespace Pgml.Engine.Linear;

/// <summary>
/// A fitted linear model and the iterations its solver ran (L-BFGS iterations, coordinate-descent sweeps, or the most
/// passes of any binary problem of a dual coordinate-descent fit; 0 for a closed-form fit). The count is returned with
/// the model rather than kept in static state, so tests and benchmarks read the fit they made.
/// </summary>
internal readonly record struct LinearFit(LinearPredictor Model, int Iterations);
