using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Accounts;
using Tollgate.Core.Keys;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>One admin API call: who makes it, what it acts on, and what its audit entry will say.</summary>
internal sealed class AdminCall(HttpContext http, string action, string targetType, CallerIdentity caller)
{
    public HttpContext Http { get; } = http;

    public CancellationToken Aborted => Http.RequestAborted;

    public CallerIdentity Caller { get; } = caller;

    /// <summary><c>noun.verb</c>, as in the audit log.</summary>
    public string Action { get; } = action;

    public string TargetType { get; } = targetType;

    public string? TargetId { get; set; }

    public string? TargetTeamId { get; set; }

    /// <summary>What changed, as a JSON object without secrets.</summary>
    public string? Details { get; set; }

    /// <summary>A team admin: limited to its own team.</summary>
    public bool IsTeamAdmin => !Caller.IsAdmin;

    /// <summary>The caller's team, for team admins.</summary>
    public string? OwnTeamId => IsTeamAdmin ? Caller.TeamId : null;

    /// <summary>Whether the caller may see records of <paramref name="teamId"/>: admins see all, team admins only their team's.</summary>
    public bool CanSee(string? teamId) => !IsTeamAdmin || (teamId is not null && teamId == Caller.TeamId);

    /// <summary>Refuses team admins: for actions only admins may take.</summary>
    public void RequireAdmin(string what)
    {
        if (IsTeamAdmin)
        {
            throw AdminErrors.Forbidden($"Only an admin key may {what}.");
        }
    }

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Reads an optional time query parameter, naming it in the error.</summary>
    public DateTimeOffset? QueryTime(string name)
    {
        var text = Http.Request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return AdminBody.ParseTime(text) ?? throw AdminErrors.BadRequest($"'{name}' must be an ISO 8601 date or time, such as 2027-01-01 or 2027-01-01T12:00:00Z.", name);
    }

    public string? Query(string name)
    {
        var text = Http.Request.Query[name].ToString();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public string RouteId => Http.Request.RouteValues["id"] as string ?? string.Empty;
}

/// <summary>What an admin call answers: a status and a JSON body.</summary>
internal sealed record AdminResult(int Status, Action<Utf8JsonWriter> Write)
{
    public static AdminResult Ok(Action<Utf8JsonWriter> write) => new(StatusCodes.Status200OK, write);

    public static AdminResult Created(Action<Utf8JsonWriter> write) => new(StatusCodes.Status201Created, write);

    public static AdminResult List<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem) => Ok(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (var item in items)
        {
            writeItem(writer, item);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}

/// <summary>Names of the roles in the admin API.</summary>
internal static class AdminRoles
{
    public static KeyRole Parse(string text) => text.ToLowerInvariant() switch
    {
        "user" => KeyRole.User,
        "team_admin" or "team-admin" => KeyRole.TeamAdmin,
        "admin" => KeyRole.Admin,
        _ => throw AdminErrors.BadRequest($"'role' must be user, team_admin or admin, not '{text}'.", "role"),
    };
}
