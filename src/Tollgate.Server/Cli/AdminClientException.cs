namespace Tollgate.Server.Cli;

/// <summary>An admin call that failed; the message is printed to stderr as it is.</summary>
internal sealed class AdminClientException : Exception
{
    public AdminClientException()
    {
    }

    public AdminClientException(string message)
        : base(message)
    {
    }

    public AdminClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
