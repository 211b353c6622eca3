using System.Diagnostics;
using System.Globalization;

namespace Pgml.Engine.Search;

/// <summary>
/// Runs a hyperparameter search: every candidate is scored by k-fold cross-validation of the training split (or,
/// with cv = 1, fitted on the training split and scored on the test split), and the best mean score wins.
/// </summary>
/// <remarks>
/// Unlike PostgresML, which keeps the model of the single best (fold, candidate) pair, this only chooses
/// hyperparameters: the caller refits <see cref="SearchResult.BestParams"/> on the whole training split and scores
/// that model on the test split, so the stored model and its metrics never depend on one lucky fold.
/// </remarks>
public static class SearchRunner
{
    /// <summary>
    /// Scores each of <paramref name="spec"/>'s candidates with <paramref name="evaluator"/>, whose rows are laid out
    /// as a split plan leaves them: training rows 0..trainRows-1, then testRows test rows.
    /// </summary>
    /// <remarks>
    /// Folds are contiguous blocks of the training rows: fold f validates rows [f·n/k, (f+1)·n/k) and trains on the
    /// rest, as PostgresML's Dataset::fold. The split plan has already put the training rows in seeded random order
    /// (random and stratified sampling), so contiguous blocks are random folds; with test_sampling 'last' they are
    /// blocks of the relation's order, like scikit-learn's KFold without shuffling. The test rows are never used for
    /// choosing unless cv is 1. All candidates are fitted on one fold before the next (lets an evaluator reuse the
    /// fold's training data). <paramref name="checkInterrupts"/> runs before every fit and is passed into it.
    /// </remarks>
    /// <param name="seed">Seeds the random search's sampling (use the snapshot's seed for repeatable searches).</param>
    /// <exception cref="InvalidParameterException">A candidate's hyperparameters are invalid (the message names them).</exception>
    /// <exception cref="InvalidDataException">Too few training rows for cv folds, or no test rows for cv = 1.</exception>
    public static SearchResult Run(SearchSpec spec, ICandidateEvaluator evaluator, long trainRows, long testRows, int seed, Action checkInterrupts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(checkInterrupts);
        ArgumentOutOfRangeException.ThrowIfNegative(trainRows);
        ArgumentOutOfRangeException.ThrowIfNegative(testRows);
        // Row index spans are int-indexed.
        if (trainRows + testRows > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(trainRows), $"{trainRows + testRows} rows is more than a search can index");

        int k = spec.Cv;
        if (k >= 2 && trainRows < 2L * k)
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture,
                    $"cv = {k} needs at least {2L * k} training rows (2 per fold), the training split has {trainRows}"),
                "Lower cv in search_args, or train on more rows.");
        if (k == 1 && (trainRows < 1 || testRows < 1))
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture,
                    $"cv = 1 fits on the training split and scores on the test split, but they have {trainRows} and {testRows} rows"),
                "Use a test_size that leaves rows on both sides, or cross-validate with cv >= 2.");

        var candidates = spec.Candidates(seed);
        // Every candidate is checked before the first fit: a typo in the last value should not cost hours of training.
        foreach (string candidate in candidates)
        {
            try
            {
                evaluator.Validate(candidate);
            }
            catch (InvalidParameterException e)
            {
                throw new InvalidParameterException($"search candidate {candidate} is invalid: {e.Message}", e.Hint);
            }
        }

        int splits = Math.Max(1, k);
        var scores = new double[candidates.Count][];
        var times = new double[candidates.Count][];
        for (int c = 0; c < candidates.Count; c++)
        {
            scores[c] = new double[splits];
            times[c] = new double[splits];
        }

        for (int f = 0; f < splits; f++)
        {
            var (train, validation) = k == 1 ? HoldOut(trainRows, testRows) : Fold(trainRows, k, f);
            for (int c = 0; c < candidates.Count; c++)
            {
                checkInterrupts();
                long start = Stopwatch.GetTimestamp();
                scores[c][f] = evaluator.FitAndScore(candidates[c], train, validation, checkInterrupts);
                times[c][f] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        }

        var results = new CandidateResult[candidates.Count];
        for (int c = 0; c < results.Length; c++)
            results[c] = new CandidateResult(candidates[c], scores[c], times[c]);
        return new SearchResult(evaluator.Metric, splits, spec.SearchParameterNames, results);
    }

    /// <summary>Fold <paramref name="f"/> of <paramref name="k"/>: validation rows [f·n/k, (f+1)·n/k), training rows the rest, in order.</summary>
    internal static (long[] Train, long[] Validation) Fold(long n, int k, int f)
    {
        long start = (long)((Int128)f * n / k), end = (long)((Int128)(f + 1) * n / k);
        var train = new long[n - (end - start)];
        var validation = new long[end - start];
        int t = 0;
        for (long r = 0; r < start; r++) train[t++] = r;
        for (long r = end; r < n; r++) train[t++] = r;
        for (long r = start; r < end; r++) validation[r - start] = r;
        return (train, validation);
    }

    private static (long[] Train, long[] Validation) HoldOut(long trainRows, long testRows)
    {
        var train = new long[trainRows];
        for (long r = 0; r < trainRows; r++) train[r] = r;
        var test = new long[testRows];
        for (long r = 0; r < testRows; r++) test[r] = trainRows + r;
        return (train, test);
    }
}
