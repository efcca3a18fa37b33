namespace Tollgate.Providers;

/// <summary>Why a provider call failed.</summary>
public enum ProviderErrorKind
{
    /// <summary>The upstream answered with an error status; it is passed through.</summary>
    Upstream,

    /// <summary>The upstream could not be reached (connection refused, DNS, TLS, reset before headers): 502.</summary>
    Unreachable,

    /// <summary>A connect, first-byte, idle or total timeout expired: 504.</summary>
    Timeout,

    /// <summary>The request needs something this provider cannot express: 400.</summary>
    Unsupported,

    /// <summary>The upstream answered with something that breaks its own protocol: 502.</summary>
    InvalidResponse,
}
