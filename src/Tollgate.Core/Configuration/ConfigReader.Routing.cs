using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>A model's routing keys: strategy, retries and backoff, fallbacks, circuit breaker, deadlines and hedging.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] StrategyNames = ["ordered", "weighted", "least-latency", "least-busy", "lowest-cost", "usage-based"];
    private static readonly string[] BackoffKeys = ["initial", "max", "max_retry_after"];
    private static readonly string[] CircuitBreakerKeys = ["enabled", "failures", "failure_rate", "min_requests", "window", "cooldown"];
    private static readonly string[] HedgingKeys = ["delay", "max_delay", "max_attempts"];

    private RoutingConfig ReadRoutingKey(RoutingConfig routing, string key, YamlNode value, string path, string modelName)
    {
        switch (key)
        {
            case "strategy":
                if (ReadScalar(value, path, ConfigValueKind.String) is { } text)
                {
                    var index = Array.IndexOf(StrategyNames, text);
                    if (index < 0)
                    {
                        Error(path, value.Start, $"unknown strategy '{text}'{KeySuggester.Hint(text, StrategyNames)}: use {string.Join(", ", StrategyNames)}");
                    }
                    else
                    {
                        routing = routing with { Strategy = (RoutingStrategy)index };
                    }
                }

                break;
            case "retries":
                if (ReadBoundedInteger(value, path, 0, 100) is { } retries)
                {
                    routing = routing with { Retries = (int)retries };
                }

                break;
            case "backoff":
                routing = ReadBackoff(routing, value, path);
                break;
            case "fallbacks":
                routing = routing with { Fallbacks = ReadModelNames(value, path, modelName) };
                break;
            case "rate_limit_fallbacks":
                routing = routing with { RateLimitFallbacks = ReadModelNames(value, path, modelName) };
                break;
            case "context_window_fallbacks":
                routing = routing with { ContextWindowFallbacks = ReadModelNames(value, path, modelName) };
                break;
            case "content_policy_fallbacks":
                routing = routing with { ContentPolicyFallbacks = ReadModelNames(value, path, modelName) };
                break;
            case "context_window":
                if (ReadBoundedInteger(value, path, 1, long.MaxValue) is { } window)
                {
                    routing = routing with { ContextWindow = window };
                }

                break;
            case "circuit_breaker":
                routing = routing with { CircuitBreaker = ReadCircuitBreaker(value, path) };
                break;
            case "timeout":
                routing = routing with { Timeout = ReadPositiveDuration(value, path) ?? routing.Timeout };
                break;
            case "first_token_timeout":
                routing = routing with { FirstTokenTimeout = ReadPositiveDuration(value, path) ?? routing.FirstTokenTimeout };
                break;
            case "idle_timeout":
                routing = routing with { IdleTimeout = ReadPositiveDuration(value, path) ?? routing.IdleTimeout };
                break;
            default:
                routing = routing with { Hedging = ReadHedging(value, path) };
                break;
        }

        return routing;
    }

    private RoutingConfig ReadBackoff(RoutingConfig routing, YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return routing;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return routing;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            if (Array.IndexOf(BackoffKeys, key) < 0)
            {
                UnknownKey(path, keyNode, key, BackoffKeys);
                continue;
            }

            if (ReadDuration(value, p) is not { } duration)
            {
                continue;
            }

            routing = key switch
            {
                "initial" => routing with { BackoffInitial = duration },
                "max" => routing with { BackoffMax = duration },
                _ => routing with { MaxRetryAfter = duration },
            };
        }

        if (routing.BackoffMax < routing.BackoffInitial)
        {
            Error(Join(path, "max"), map.Start, "must not be less than 'initial'");
        }

        return routing;
    }

    private CircuitBreakerConfig ReadCircuitBreaker(YamlNode node, string path)
    {
        var breaker = CircuitBreakerConfig.Default;
        if (IsNull(node))
        {
            return breaker;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return breaker;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            switch (key)
            {
                case "enabled":
                    if (ReadScalar(value, p, ConfigValueKind.Boolean) is { } enabled)
                    {
                        breaker = breaker with { Enabled = ConfigValue.FromScalar(enabled).AsBoolean() == true };
                    }

                    break;
                case "failures":
                    if (ReadBoundedInteger(value, p, 1, 1_000_000) is { } failures)
                    {
                        breaker = breaker with { Failures = (int)failures };
                    }

                    break;
                case "min_requests":
                    if (ReadBoundedInteger(value, p, 1, 1_000_000) is { } minRequests)
                    {
                        breaker = breaker with { MinRequests = (int)minRequests };
                    }

                    break;
                case "failure_rate":
                    if (ReadScalar(value, p, ConfigValueKind.Number) is { } rateText)
                    {
                        var rate = double.Parse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture);
                        if (rate is <= 0 or > 1)
                        {
                            Error(p, value.Start, "must be greater than 0 and at most 1");
                        }
                        else
                        {
                            breaker = breaker with { FailureRate = rate };
                        }
                    }

                    break;
                case "window":
                    breaker = breaker with { Window = ReadPositiveDuration(value, p) ?? breaker.Window };
                    break;
                case "cooldown":
                    breaker = breaker with { Cooldown = ReadPositiveDuration(value, p) ?? breaker.Cooldown };
                    break;
                default:
                    UnknownKey(path, keyNode, key, CircuitBreakerKeys);
                    break;
            }
        }

        return breaker;
    }

    private HedgingConfig? ReadHedging(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return null;
        }

        var hedging = new HedgingConfig();
        var hasDelay = false;
        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            switch (key)
            {
                case "delay":
                    if (ReadScalar(value, p, ConfigValueKind.String) is not { } text)
                    {
                        break;
                    }

                    hasDelay = true;
                    if (text.StartsWith('p') &&
                        double.TryParse(text.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out var percentile))
                    {
                        if (percentile is < 1 or > 99.99)
                        {
                            Error(p, value.Start, "a percentile must be between p1 and p99.99");
                        }
                        else
                        {
                            hedging = hedging with { Percentile = percentile, Delay = null };
                        }
                    }
                    else if (DurationParser.TryParse(text, out var delay))
                    {
                        hedging = hedging with { Delay = delay, Percentile = null };
                    }
                    else
                    {
                        Error(p, value.Start, $"expected a duration such as 500ms or a percentile such as p95, got '{text}'");
                    }

                    break;
                case "max_delay":
                    hedging = hedging with { MaxDelay = ReadPositiveDuration(value, p) ?? hedging.MaxDelay };
                    break;
                case "max_attempts":
                    if (ReadBoundedInteger(value, p, 2, 10) is { } attempts)
                    {
                        hedging = hedging with { MaxAttempts = (int)attempts };
                    }

                    break;
                default:
                    UnknownKey(path, keyNode, key, HedgingKeys);
                    break;
            }
        }

        if (!hasDelay)
        {
            Error(path, map.Start, "missing required key 'delay'");
        }

        return hedging;
    }

    private List<string> ReadModelNames(YamlNode node, string path, string self)
    {
        var names = new List<string>();
        if (IsNull(node))
        {
            return names;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(path, node.Start, "expected a list of model names");
            return names;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (ReadRequiredString(sequence.Children[i], itemPath) is not { } name)
            {
                continue;
            }

            if (name == self)
            {
                Error(itemPath, sequence.Children[i].Start, "a model cannot fall back to itself");
            }
            else if (!_modelNames.Contains(name))
            {
                Error(itemPath, sequence.Children[i].Start, $"unknown model '{name}'{KeySuggester.Hint(name, _modelNames)}");
            }
            else if (names.Contains(name, StringComparer.Ordinal))
            {
                Error(itemPath, sequence.Children[i].Start, $"model '{name}' is listed twice");
            }
            else
            {
                names.Add(name);
            }
        }

        return names;
    }

    private long? ReadBoundedInteger(YamlNode node, string path, long min, long max)
    {
        if (ReadScalar(node, path, ConfigValueKind.Integer) is not { } text)
        {
            return null;
        }

        var number = long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (number < min || number > max)
        {
            Error(path, node.Start, $"must be between {min} and {max}");
            return null;
        }

        return number;
    }

    private TimeSpan? ReadDuration(YamlNode node, string path) =>
        ReadScalar(node, path, ConfigValueKind.Duration) is { } text && DurationParser.TryParse(text, out var duration) ? duration : null;

    private TimeSpan? ReadPositiveDuration(YamlNode node, string path)
    {
        if (ReadDuration(node, path) is not { } duration)
        {
            return null;
        }

        if (duration <= TimeSpan.Zero)
        {
            Error(path, node.Start, "must be greater than 0");
            return null;
        }

        return duration;
    }
}
