using System.Text.Json;
using Tollgate.Core.Configuration;
using Tollgate.Core.Gateway;
using Tollgate.Core.Routing;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// <c>GET /admin/deployments[?model=NAME]</c>: every deployment of every model in the config in force, with its live
/// health: state (healthy, cooling_down, probing, rate_limited), circuit, cooldown left, attempts in flight, latency
/// averages and percentiles, error rate in the circuit breaker's window, and usage in the last minute. Admins only:
/// deployments are shared by every team.
/// </summary>
internal sealed class DeploymentAdminEndpoints(AdminCallRunner runner, GatewayState state, DeploymentHealthRegistry registry)
{
    public void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/deployments", http => runner.ReadAsync(http, "deployments.read", "deployment", ReadAsync));

    private Task<AdminResult> ReadAsync(AdminCall call)
    {
        if (call.IsTeamAdmin)
        {
            throw AdminErrors.Forbidden("Deployment health is visible to admins only.");
        }

        var config = state.Current.Config;
        var only = call.Query("model");
        if (only is not null && !config.Models.ContainsKey(only))
        {
            throw AdminErrors.BadRequest($"There is no model '{only}'.", "model");
        }

        var rows = new List<(ModelConfig Model, DeploymentConfig Deployment, DeploymentStats Stats)>();
        foreach (var model in config.Models.Values)
        {
            if (only is not null && model.Name != only)
            {
                continue;
            }

            foreach (var deployment in model.Deployments)
            {
                rows.Add((model, deployment, registry.For(deployment).Snapshot()));
            }
        }

        return Task.FromResult(AdminResult.List(rows, static (writer, row) => Write(writer, row.Model, row.Deployment, row.Stats)));
    }

    private static void Write(Utf8JsonWriter writer, ModelConfig model, DeploymentConfig deployment, DeploymentStats stats)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "deployment");
        writer.WriteString("model", model.Name);
        writer.WriteString("deployment", deployment.Key);
        writer.WriteString("provider", deployment.Provider);
        writer.WriteString("provider_model", deployment.Model);
        writer.WriteString("strategy", StrategyName(model.Routing.Strategy));
        writer.WriteString("state", stats.State switch
        {
            DeploymentState.CoolingDown => "cooling_down",
            DeploymentState.Probing => "probing",
            DeploymentState.RateLimited => "rate_limited",
            _ => "healthy",
        });
        writer.WriteString("circuit", stats.Circuit switch
        {
            CircuitState.Open => "open",
            CircuitState.HalfOpen => "half_open",
            _ => "closed",
        });
        writer.WriteBoolean("available", stats.Available);
        writer.WriteNumber("cooldown_remaining_ms", Math.Round(stats.CooldownRemaining.TotalMilliseconds));
        writer.WriteNumber("in_flight", stats.InFlight);
        WriteLatency(writer, "time_to_first_token_ms", stats.AverageTimeToFirstTokenMs, stats.TimeToFirstTokenMs);
        WriteLatency(writer, "latency_ms", stats.AverageLatencyMs, stats.LatencyMs);
        writer.WriteNumber("error_rate", Math.Round(stats.ErrorRate, 4));
        writer.WriteNumber("window_attempts", stats.WindowAttempts);
        writer.WriteNumber("window_failures", stats.WindowFailures);
        writer.WriteNumber("consecutive_failures", stats.ConsecutiveFailures);
        writer.WriteNumber("requests_last_minute", stats.RequestsLastMinute);
        writer.WriteNumber("tokens_last_minute", stats.TokensLastMinute);
        writer.WriteNumber("weight", deployment.Weight);
        writer.WriteNumber("priority", deployment.Priority);
        WriteNumber(writer, "rpm", deployment.RequestsPerMinute);
        WriteNumber(writer, "tpm", deployment.TokensPerMinute);
        WriteNumber(writer, "learned_rpm", stats.LearnedRequestsPerMinute);
        WriteNumber(writer, "remaining_requests", stats.RemainingRequests);
        WriteNumber(writer, "remaining_tokens", stats.RemainingTokens);
        writer.WriteEndObject();
    }

    private static void WriteLatency(Utf8JsonWriter writer, string name, double? average, (double? P50, double? P95, double? P99) percentiles)
    {
        writer.WriteStartObject(name);
        WriteNumber(writer, "average", average);
        WriteNumber(writer, "p50", percentiles.P50);
        WriteNumber(writer, "p95", percentiles.P95);
        WriteNumber(writer, "p99", percentiles.P99);
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, Math.Round(v, 1));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string StrategyName(RoutingStrategy strategy) => strategy switch
    {
        RoutingStrategy.Weighted => "weighted",
        RoutingStrategy.LeastLatency => "least-latency",
        RoutingStrategy.LeastBusy => "least-busy",
        RoutingStrategy.LowestCost => "lowest-cost",
        RoutingStrategy.UsageBased => "usage-based",
        _ => "ordered",
    };
}
