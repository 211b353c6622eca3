namespace Pgml.Engine.Algorithms;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the random numbers of every C# algorithm (k-means' initialisation and
/// mini-batches, forests' bootstraps, features and thresholds). pgml's own code, so a random_state gives the same model
/// on every .NET version (System.Random's algorithm may change). NumPy's stream is not reproduced: pgml's k-means with
/// random_state = 0 is not scikit-learn's with random_state = 0, only as good.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>scikit-learn's random_state: a seed, or null for seed 0 (unlike scikit-learn's fresh seed, so that
    /// training the same rows twice gives the same model).</summary>
    public static SeededRandom FromRandomState(long? randomState) => new(unchecked((ulong)(randomState ?? 0)));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [low, high) (high > low); Lemire's multiply-shift on 32 bits, bias below 2^-32 (faster than
    /// <see cref="NextInt"/> where that bias does not matter).</summary>
    public int Next(int low, int high) => low + (int)(((NextUInt64() >> 32) * (ulong)(uint)(high - low)) >> 32);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong range = (ulong)n;
        while (true)
        {
            ulong x = NextUInt64();
            UInt128 m = (UInt128)x * range;
            ulong low = (ulong)m;
            if (low >= range || low >= (0UL - range) % range) return (int)(m >> 64);
        }
    }

    /// <summary>A uniformly random subset of <paramref name="count"/> distinct values of [0, n), in random order
    /// (a partial Fisher-Yates shuffle of <paramref name="scratch"/>, which must hold n values).</summary>
    public void Sample(int n, int count, int[] scratch, Span<int> result)
    {
        for (int i = 0; i < n; i++) scratch[i] = i;
        for (int i = 0; i < count; i++)
        {
            int j = i + NextInt(n - i);
            (scratch[i], scratch[j]) = (scratch[j], scratch[i]);
            result[i] = scratch[i];
        }
    }
}
