using Tollgate.Chat;
using Tollgate.Core.Gateway;
using Tollgate.Core.Keys;
using Tollgate.Core.Routing;
using Tollgate.Providers;

namespace Tollgate.Core.Pipeline;

/// <summary>
/// What the pipeline knows about one request. Created by the endpoint; stages fill in the rest in
/// <see cref="GatewayPipeline"/> order. Used by one request at a time.
/// </summary>
public sealed class GatewayContext
{
    /// <summary>The request id, also sent back as <c>x-request-id</c>.</summary>
    public required string RequestId { get; init; }

    /// <summary>The API the client speaks.</summary>
    public required WireFormat Surface { get; init; }

    /// <summary>What the client asks for.</summary>
    public required ApiOperation Operation { get; init; }

    /// <summary>The model name the client sent; set when the surface has read the request.</summary>
    public string RequestedModel { get; set; } = string.Empty;

    /// <summary>Whether the client asked for a stream; set when the surface has read the request.</summary>
    public bool Stream { get; set; }

    /// <summary>The key the client presented, if any.</summary>
    public string? PresentedKey { get; init; }

    /// <summary>The config and providers in force when the request arrived; a reload does not change them mid-request.</summary>
    public required GatewaySnapshot Snapshot { get; init; }

    /// <summary>When the request arrived, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp { get; init; }

    /// <summary>Fires when the client goes away.</summary>
    public CancellationToken RequestAborted { get; init; }

    /// <summary>
    /// Ends the exchange at once (the HTTP connection aborted), which cancels <see cref="RequestAborted"/> and with it
    /// the upstream call; authentication wires it to the caller's revocation, so a revoked key's requests in flight
    /// stop too. <see langword="null"/> when the surface has nothing to abort.
    /// </summary>
    public Action? Abort { get; init; }

    /// <summary>The client surface's own state for its terminal step (the HTTP exchange, the body); stages leave it alone.</summary>
    public object? Exchange { get; init; }

    /// <summary>Who is calling; set by authentication.</summary>
    public CallerIdentity? Caller { get; set; }

    /// <summary>The chosen deployment: set by routing to the one it would try first, then by the attempt that answered.</summary>
    public RouteTarget? Target { get; set; }

    /// <summary>The order in which deployments and fallbacks are tried; set by routing.</summary>
    public RoutePlan? Route { get; set; }

    /// <summary>The deadline the client asked for with <c>x-tollgate-timeout</c>; the model's <c>timeout</c> still caps it.</summary>
    public TimeSpan? ClientTimeout { get; set; }

    /// <summary>Every attempt made on a deployment so far, in start order; empty before the terminal step.</summary>
    public List<RouteAttemptRecord> Attempts { get; } = [];

    /// <summary>Token usage; set by the terminal once known (the end of a stream).</summary>
    public ChatUsage? Usage { get; set; }

    /// <summary>When the first token (or the whole answer) was sent, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long? FirstTokenTimestamp { get; set; }

    /// <summary>The status sent to the client.</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>The error type, for failed requests.</summary>
    public string? ErrorType { get; set; }

    /// <summary>The request body as the client sent it; set by the surface's read step, valid until the request ends.</summary>
    public ReadOnlyMemory<byte> RequestBody { get; set; }

    /// <summary>The limits stage's admission, settled when the request ends; <see langword="null"/> before that stage.</summary>
    public Limits.AdmissionTicket? Admission { get; set; }

    /// <summary>What the limits stage reserved for this request, when it needed a reservation.</summary>
    public Limits.Reservation? Reservation { get; set; }

    /// <summary>The request's cost once <see cref="Usage"/> is final, cached by <see cref="Metering.RequestPricing"/>.</summary>
    internal Pricing.RequestCost? Cost { get; set; }
}
