namespace Tollgate.Core.Pricing;

/// <summary>A price catalog (the shipped one or a config override) that is malformed; the message names the entry.</summary>
public sealed class PriceCatalogException : Exception
{
    public PriceCatalogException()
    {
    }

    public PriceCatalogException(string message)
        : base(message)
    {
    }

    public PriceCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
