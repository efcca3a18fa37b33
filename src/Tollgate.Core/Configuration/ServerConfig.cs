namespace Tollgate.Core.Configuration;

/// <summary>The <c>server:</c> section.</summary>
public sealed record ServerConfig
{
    /// <summary>The default request body limit: 10 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 10 * 1024 * 1024;

    /// <summary><c>master_key</c>: the admin key. When unset here and in TOLLGATE_MASTER_KEY, one is generated and kept in <see cref="DataDirectory"/>.</summary>
    public string? MasterKey { get; init; }

    /// <summary><c>max_request_body_bytes</c>: larger request bodies are refused with 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary><c>data_dir</c>: where Tollgate keeps its files (the generated master key). Default <c>.tollgate</c> beside the config file, or in the working directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// <c>default_output_tokens</c>: the output tokens reserved for a request that sets no output limit, when a budget
    /// or tokens-per-minute limit applies to it; such a request's output is held to it. <see langword="null"/>: 4,096.
    /// </summary>
    public long? DefaultOutputTokens { get; init; }
}
