using Tollgate.Core.Errors;
using Tollgate.Core.Keys;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Core.Limits;

/// <summary>
/// The stage after routing that holds a request to its caller's model access, rate limits and budgets, and settles
/// what it reserved once the request has run.
/// </summary>
/// <remarks>
/// Step 1: model access: the key's, user's and team's allow-lists all apply (403 <c>model_not_allowed</c>).
/// Step 2: the scopes the request falls in: key, user, team (from the cached records) and the model name (config).
/// A request none of whose scopes limits anything goes straight on: no estimate, no counters.
/// Step 3: when a scope counts tokens or money, reserve: the prompt estimated from the raw body plus the request's
/// output limit (or <c>server.default_output_tokens</c>), priced from the routed deployment's price. The terminal holds
/// the answer's output to that reservation (<see cref="OutputCap"/>).
/// A call under a budget whose deployment has no price is refused (403 <c>model_unpriced</c>): its cost could not be
/// counted against the budget.
/// Step 4: admit across all scopes or refuse with 429 in the caller's shape, naming the limit that binds, with
/// Retry-After and the rate-limit headers of the caller's API.
/// Step 5: run the rest; settle the ticket with the real tokens and cost, whatever happened (a failure before any
/// usage settles zeros, giving the reservation back).
/// </remarks>
public sealed class LimitsHandler(LimitAdmission admission, ReservationCalculator reservations, TimeProvider time) : IGatewayHandler
{
    /// <inheritdoc/>
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var caller = context.Caller;
        var target = context.Target;
        if (caller is null || target is null)
        {
            await next(context);
            return;
        }

        // Step 1
        if (!caller.IsMaster && !ModelAccess.IsAllowed(caller, context.RequestedModel))
        {
            throw new GatewayException(403, "permission_error", ModelAccess.Explain(caller, context.RequestedModel), "model_not_allowed", "model");
        }

        // Step 2
        var scopes = default(LimitScopes);
        var count = 0;
        if (caller.Key is { } key)
        {
            scopes[count++] = new LimitScope(LimitScopeKind.Key, key.Id, key.Limits, key.Budget);
        }

        if (caller.User is { } user)
        {
            scopes[count++] = new LimitScope(LimitScopeKind.User, user.Id, user.Limits, user.Budget);
        }

        if (caller.Team is { } team)
        {
            scopes[count++] = new LimitScope(LimitScopeKind.Team, team.Id, team.Limits, team.Budget);
        }

        scopes[count++] = new LimitScope(LimitScopeKind.Model, context.RequestedModel, target.Model.Limits);
        ReadOnlySpan<LimitScope> active = scopes[..count];
        var needsReservation = false;
        var limited = false;
        foreach (var scope in active)
        {
            limited |= !scope.IsUnlimited;
            needsReservation |= scope.Budget is not null || scope.Limits.TokensPerMinute is not null;
        }

        if (!limited)
        {
            await next(context);
            return;
        }

        // Step 3
        var reservation = needsReservation ? Reserve(context) : default;
        context.Reservation = needsReservation ? reservation : null;
        if (needsReservation && reservation.CostNanoDollars is null && context.Operation != ApiOperation.CountTokens && FirstBudget(active) is { } budgeted)
        {
            // A budget cannot hold a call whose cost is unknown: refused, never let through unmetered.
            throw new GatewayException(
                403,
                "permission_error",
                $"The model '{context.RequestedModel}' (provider '{target.Deployment.Provider}', model '{target.Deployment.Model}') has no price, so the budget of {budgeted} cannot be enforced. An admin can price it under pricing.overrides in the config.",
                "model_unpriced",
                "model");
        }

        // Step 4
        var result = admission.TryAdmit(new AdmissionRequest(active, reservation.TotalTokens, reservation.CostNanoDollars));
        if (result.Refusal is { } refusal)
        {
            throw new GatewayException(429, "rate_limit_error", refusal.Message, refusal.Code)
            {
                Headers = context.Surface == WireFormat.Anthropic ? RateLimitHeaders.ForAnthropic(refusal) : RateLimitHeaders.ForOpenAI(refusal),
            };
        }

        // Step 5
        var ticket = result.Ticket!;
        context.Admission = ticket;
        try
        {
            await next(context);
        }
        finally
        {
            var usage = context.Usage;
            ticket.Settle(usage?.TotalTokens ?? 0, RequestPricing.Cost(context, time).TotalNanoDollars);
        }
    }

    private static string? FirstBudget(ReadOnlySpan<LimitScope> scopes)
    {
        foreach (var scope in scopes)
        {
            if (scope.Budget is not null)
            {
                return $"{scope.Kind.ToString().ToLowerInvariant()} '{scope.Id}'";
            }
        }

        return null;
    }

    private Reservation Reserve(GatewayContext context)
    {
        var body = context.RequestBody.Span;
        var model = context.Target!.Deployment.Model;
        var price = RequestPricing.FindPrice(context, time.GetUtcNow());
        var defaultOutput = context.Snapshot.Config.Server.DefaultOutputTokens;
        return context.Operation switch
        {
            ApiOperation.Embeddings => reservations.ForOpenAIEmbeddings(body, model, price),
            ApiOperation.CountTokens => default,
            _ when context.Surface == WireFormat.Anthropic => reservations.ForAnthropicMessages(body, model, price, defaultOutput),
            _ => reservations.ForOpenAIChat(body, model, price, defaultOutput),
        };
    }
}
