namespace Tollgate.Core.Routing;

/// <summary>The circuit breaker's outcome window and the one-minute usage window, one entry per slice of time.</summary>
public sealed partial class DeploymentHealth
{
    private void AddOutcome(long now, bool failed, TimeSpan window)
    {
        var windowTicks = ToTicks(window);
        var failures = failed ? 1 : 0;
        if (_outcomeSlice.Attempts > 0 && now - _outcomeSlice.At < Math.Max(1, windowTicks / 60))
        {
            _outcomeSlice = (_outcomeSlice.At, _outcomeSlice.Attempts + 1, _outcomeSlice.Failures + failures);
        }
        else
        {
            if (_outcomeSlice.Attempts > 0)
            {
                _outcomes.Enqueue(_outcomeSlice);
            }

            _outcomeSlice = (now, 1, failures);
        }

        _windowAttempts++;
        _windowFailures += failures;
        var horizon = now - windowTicks;
        while (_outcomes.TryPeek(out var oldest) && oldest.At <= horizon)
        {
            _outcomes.Dequeue();
            _windowAttempts -= oldest.Attempts;
            _windowFailures -= oldest.Failures;
        }

        if (_outcomeSlice.Attempts > 0 && _outcomeSlice.At <= horizon)
        {
            _windowAttempts -= _outcomeSlice.Attempts;
            _windowFailures -= _outcomeSlice.Failures;
            _outcomeSlice = (long.MinValue, 0, 0);
        }
    }

    private void AddUsage(long now, long requests, long tokens)
    {
        TrimUsage(now);
        if ((_usageSlice.Requests > 0 || _usageSlice.Tokens > 0) && now - _usageSlice.At < Math.Max(1, ToTicks(RateWindow) / 60))
        {
            _usageSlice = (_usageSlice.At, _usageSlice.Requests + requests, _usageSlice.Tokens + tokens);
        }
        else
        {
            if (_usageSlice.Requests > 0 || _usageSlice.Tokens > 0)
            {
                _usage.Enqueue(_usageSlice);
            }

            _usageSlice = (now, requests, tokens);
        }

        _minuteRequests += requests;
        _minuteTokens += tokens;
    }

    private void TrimUsage(long now)
    {
        var horizon = now - ToTicks(RateWindow);
        while (_usage.TryPeek(out var oldest) && oldest.At <= horizon)
        {
            _usage.Dequeue();
            _minuteRequests -= oldest.Requests;
            _minuteTokens -= oldest.Tokens;
        }

        if ((_usageSlice.Requests > 0 || _usageSlice.Tokens > 0) && _usageSlice.At <= horizon)
        {
            _minuteRequests -= _usageSlice.Requests;
            _minuteTokens -= _usageSlice.Tokens;
            _usageSlice = (long.MinValue, 0, 0);
        }
    }
}
