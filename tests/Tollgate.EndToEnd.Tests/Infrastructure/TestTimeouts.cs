namespace Tollgate.EndToEnd.Tests.Infrastructure;

/// <summary>Bounds for every wait in the suite, so a hang fails fast instead of stalling the run.</summary>
internal static class TestTimeouts
{
    /// <summary>One request, one start or stop.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    /// <summary>A token that cancels after <see cref="Default"/>.</summary>
    public static CancellationToken Token() => new CancellationTokenSource(Default).Token;

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails with <paramref name="what"/> past the deadline.</summary>
    public static async Task PollAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Default;
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition().WaitAsync(limit))
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static Task PollAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        PollAsync(() => Task.FromResult(condition()), what, deadline);
}
