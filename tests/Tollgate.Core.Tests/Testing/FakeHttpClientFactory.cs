namespace Tollgate.Core.Tests.Testing;

/// <summary>Hands out plain clients and records the names asked for.</summary>
internal sealed class FakeHttpClientFactory : IHttpClientFactory
{
    public List<string> Names { get; } = [];

    public HttpClient CreateClient(string name)
    {
        Names.Add(name);
#pragma warning disable RS0030 // tests own their client
        return new HttpClient();
#pragma warning restore RS0030
    }
}
