using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Providers.Simulated;

/// <summary>
/// Deterministic unit-length vectors: the SHA-256 of the text seeds a SplitMix64 sequence, so the same text always
/// gives the same vector on every machine and .NET version, and a shorter vector is the normalised prefix of a
/// longer one (as with OpenAI's shortened embeddings).
/// </summary>
internal static class SimulatedEmbedding
{
    public static float[] Create(string text, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var state = BitConverter.ToUInt64(hash);

        var raw = new double[dimensions];
        var sumOfSquares = 0.0;
        for (var i = 0; i < dimensions; i++)
        {
            // 53 random bits scaled to [-1, 1).
            var value = ((NextSplitMix64(ref state) >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
            raw[i] = value;
            sumOfSquares += value * value;
        }

        var vector = new float[dimensions];
        if (sumOfSquares == 0)
        {
            vector[0] = 1;
            return vector;
        }

        var norm = Math.Sqrt(sumOfSquares);
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(raw[i] / norm);
        }

        return vector;
    }

    private static ulong NextSplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
