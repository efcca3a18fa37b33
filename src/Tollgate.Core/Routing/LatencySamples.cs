namespace Tollgate.Core.Routing;

/// <summary>
/// The last <see cref="Capacity"/> latencies of one kind, for percentiles, and their exponentially weighted moving
/// average. Not thread-safe: <see cref="DeploymentHealth"/> holds its lock around every call.
/// </summary>
internal sealed class LatencySamples
{
    public const int Capacity = 256;

    /// <summary>The weight of the newest sample in the moving average.</summary>
    public const double Alpha = 0.2;

    private readonly double[] _ring = new double[Capacity];
    private double[]? _sorted;
    private int _count;
    private int _next;

    public double? Average { get; private set; }

    public int Count => _count;

    public void Add(double milliseconds)
    {
        _ring[_next] = milliseconds;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
        _sorted = null;
        Average = Average is { } average ? average + (Alpha * (milliseconds - average)) : milliseconds;
    }

    /// <summary>The <paramref name="percentile"/> (0 to 100) by nearest rank, or <see langword="null"/> without samples.</summary>
    public double? Percentile(double percentile)
    {
        if (_count == 0)
        {
            return null;
        }

        if (_sorted is null)
        {
            _sorted = _ring[.._count];
            Array.Sort(_sorted);
        }

        var rank = (int)Math.Ceiling(percentile / 100 * _count);
        return _sorted[Math.Clamp(rank - 1, 0, _count - 1)];
    }
}
