using System.Text.Json;
using Tollgate.Accounts;
using Tollgate.Core.Errors;
using Tollgate.Core.Keys;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// Runs every admin API call the same way.
/// </summary>
/// <remarks>
/// Step 1: authenticate (master key, or a virtual key; 401 otherwise) and authorise (admin or team-admin role; 403 for
///         plain keys).
/// Step 2: run the action; writes are serialised, so a read-modify-write of a record never races another.
/// Step 3: map refusals to OpenAI-shaped errors: the action's <see cref="GatewayException"/>, 409 for a store conflict,
///         500 for anything else (logged, never with a secret).
/// Step 4: append the audit entry (refused calls too), then answer. An audit log that fails is logged and the answer
///         still goes out, as the action itself has happened.
/// </remarks>
internal sealed partial class AdminCallRunner(
    IRequestAuthenticator authenticator,
    TimeProvider time,
    ILogger<AdminCallRunner> logger,
    IAuditLog? auditLog = null) : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public Task ReadAsync(HttpContext http, string action, string targetType, Func<AdminCall, Task<AdminResult>> body) =>
        RunAsync(http, action, targetType, write: false, body);

    public Task WriteAsync(HttpContext http, string action, string targetType, Func<AdminCall, Task<AdminResult>> body) =>
        RunAsync(http, action, targetType, write: true, body);

    private async Task RunAsync(HttpContext http, string action, string targetType, bool write, Func<AdminCall, Task<AdminResult>> body)
    {
        var cancellationToken = http.RequestAborted;
        AdminCall? call = null;
        AdminResult? result = null;
        Exception? failure = null;
        try
        {
            // Step 1
            var caller = await authenticator.AuthenticateAsync(BearerToken.Read(http.Request), cancellationToken);
            if (caller is null)
            {
                throw GatewayException.Unauthorized(BearerToken.Read(http.Request) is null
                    ? "Missing API key. Send the master key or an admin key as 'Authorization: Bearer <key>'."
                    : "Incorrect API key provided.");
            }

            call = new AdminCall(http, action, targetType, caller);
            if (!caller.IsAdmin && caller.Role != KeyRole.TeamAdmin)
            {
                throw AdminErrors.Forbidden("This key may not use the admin API: it needs the admin or team_admin role.");
            }

            if (call.IsTeamAdmin && caller.TeamId is null)
            {
                throw AdminErrors.Forbidden("This team_admin key belongs to no team, so it may manage nothing.");
            }

            // Step 2
            if (write)
            {
                await _writeGate.WaitAsync(cancellationToken);
                try
                {
                    result = await body(call);
                }
                finally
                {
                    _writeGate.Release();
                }
            }
            else
            {
                result = await body(call);
            }
        }
        catch (GatewayException ex)
        {
            // Step 3
            failure = ex;
        }
        catch (StoreConflictException ex)
        {
            failure = AdminErrors.Conflict(ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogFailed(logger, action, ex);
            failure = ex;
        }

        // Step 4
        var status = result?.Status ?? OpenAIErrorWriter.Describe(failure!).Status;
        await AppendAuditAsync(http, call, action, targetType, status, cancellationToken);
        LogAction(logger, action, call?.TargetId, call?.Caller.KeyId ?? "anonymous", status);
        if (result is not null)
        {
            await WriteJsonAsync(http, result);
        }
        else
        {
            await OpenAIErrorWriter.WriteAsync(http, failure!);
        }
    }

    private async Task AppendAuditAsync(HttpContext http, AdminCall? call, string action, string targetType, int status, CancellationToken cancellationToken)
    {
        if (auditLog is null)
        {
            return;
        }

        var entry = new AuditEntry
        {
            Id = AdminCall.NewId("aud_"),
            Time = time.GetUtcNow(),
            ActorKeyId = call?.Caller.KeyId ?? "anonymous",
            ActorTeamId = call?.Caller.TeamId,
            Action = action,
            TargetType = targetType,
            TargetId = call?.TargetId ?? (http.Request.RouteValues["id"] as string),
            TargetTeamId = call?.TargetTeamId,
            Details = call?.Details,
            RemoteAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.Count > 0 ? http.Request.Headers.UserAgent.ToString() : null,
            Status = status,
        };
        try
        {
            // The entry is stored even when the caller has gone: the action may have happened.
            await auditLog.AppendAsync(entry, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuditFailed(logger, action, ex);
        }
    }

    private static async Task WriteJsonAsync(HttpContext http, AdminResult result)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            result.Write(writer);
        }

        http.Response.StatusCode = result.Status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    public void Dispose() => _writeGate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Action} on {TargetId} by {Actor}: {Status}")]
    private static partial void LogAction(ILogger logger, string action, string? targetId, string actor, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin {Action} failed")]
    private static partial void LogFailed(ILogger logger, string action, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit entry for admin {Action} could not be stored")]
    private static partial void LogAuditFailed(ILogger logger, string action, Exception exception);
}
