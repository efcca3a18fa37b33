using Tollgate.Core.Errors;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>The admin API's refusals, written in OpenAI's error shape.</summary>
internal static class AdminErrors
{
    public static GatewayException BadRequest(string message, string? param = null) => GatewayException.InvalidRequest(message, param);

    public static GatewayException Forbidden(string message) => new(403, "permission_error", message, "forbidden");

    public static GatewayException NotFound(string what, string idOrName) => new(404, "invalid_request_error", $"No {what} '{idOrName}'.", "not_found");

    public static GatewayException Conflict(string message, string? param = null) => new(409, "invalid_request_error", message, "conflict", param);

    public static GatewayException NoStorage() =>
        new(503, "api_error", "Account storage is not configured on this server, so keys, teams and users cannot be managed.", "storage_not_configured");
}
