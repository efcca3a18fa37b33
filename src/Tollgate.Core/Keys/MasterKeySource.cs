namespace Tollgate.Core.Keys;

/// <summary>Where the master key came from.</summary>
public enum MasterKeySource
{
    /// <summary><c>server.master_key</c>.</summary>
    Config,

    /// <summary>The TOLLGATE_MASTER_KEY variable.</summary>
    Environment,

    /// <summary>A key generated on an earlier start.</summary>
    File,

    /// <summary>Generated on this start.</summary>
    Generated,
}
