namespace Tollgate.Server.Hosting;

/// <summary>
/// Runs socket completions inline on the event-loop threads (Kestrel's and HttpClient's) instead of handing each one
/// to the thread pool. A gateway only shuffles bytes between sockets and never blocks, and each hand-off costs a thread
/// switch: measured on the load script, this cut CPU per streamed request by about a quarter (docs/PERFORMANCE.md).
/// </summary>
/// <remarks>
/// The runtime reads the variable once, when the first socket is used, so this must run before anything opens one.
/// An operator who sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS (to 0, say) keeps their choice.
/// </remarks>
internal static class SocketTuning
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
