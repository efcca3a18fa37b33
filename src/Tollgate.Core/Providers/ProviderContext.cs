using Microsoft.Extensions.Logging;

namespace Tollgate.Core.Providers;

/// <summary>What a provider gets from the host.</summary>
/// <param name="HttpClient">An invoker over the provider's own pooled <see cref="System.Net.Http.SocketsHttpHandler"/>, made by IHttpClientFactory with the provider's connect timeout. It applies no timeout of its own: <see cref="Http.UpstreamHttp"/> applies them. (An <see cref="System.Net.Http.HttpClient"/> is an invoker too; tests pass one.)</param>
/// <param name="Time">The clock.</param>
/// <param name="Random">The randomness source (simulated latency and errors).</param>
/// <param name="LoggerFactory">For the provider's logs.</param>
public sealed record ProviderContext(HttpMessageInvoker HttpClient, TimeProvider Time, Random Random, ILoggerFactory LoggerFactory)
{
    /// <summary>Reads an environment variable (<see langword="null"/> when unset), for providers whose optional keys fall back to the usual variables. Tests substitute their own.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The folder of the config file, against which relative paths in provider settings resolve; <see langword="null"/> for the built-in config (the working directory is used).</summary>
    public string? ConfigDirectory { get; init; }
}
