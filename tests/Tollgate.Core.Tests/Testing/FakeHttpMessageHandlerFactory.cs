namespace Tollgate.Core.Tests.Testing;

/// <summary>Hands out plain handlers and records the names asked for.</summary>
internal sealed class FakeHttpMessageHandlerFactory : IHttpMessageHandlerFactory
{
    public List<string> Names { get; } = [];

    public HttpMessageHandler CreateHandler(string name)
    {
        Names.Add(name);
        return new SocketsHttpHandler();
    }
}
