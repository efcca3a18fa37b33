using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Configuration;

/// <summary>A server with no configured master key generates one, keeps it private, and reuses it.</summary>
public sealed class MasterKeyTests : IAsyncLifetime
{
    private const string Config = """
        providers:
          sim:
            type: simulated
        models:
          demo: { deployments: [ { provider: sim, model: echo } ] }
        """;

    private string _directory = null!;

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("tollgate-e2e-key-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task MasterKey_NoneConfigured_GeneratedPrivateAndReusedOnRestart()
    {
        var keyFile = Path.Combine(_directory, ".tollgate", "master.key");
        string firstKey;
        await using (var first = await TollgateTestServer.StartAsync(Config, masterKey: null, workingDirectory: _directory))
        {
            firstKey = first.MasterKey;
            Assert.StartsWith("sk-tollgate-", firstKey, StringComparison.Ordinal);
            Assert.True(firstKey.Length > 40, "the key carries 32 random bytes");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            Assert.Equal("ok", await AskAsync(first, firstKey, "ok"));
            await AssertRefusedAsync(first, "sk-test-master");
        }

        await using var restarted = await TollgateTestServer.StartAsync(Config, masterKey: null, workingDirectory: _directory);

        Assert.Equal(firstKey, restarted.MasterKey);
        Assert.Equal("again", await AskAsync(restarted, firstKey, "again"));
    }

    [Fact]
    public async Task MasterKey_FromEnvironment_UsedAndNoFileWritten()
    {
        var environment = new Dictionary<string, string> { ["TOLLGATE_MASTER_KEY"] = "sk-from-env" };

        await using var server = await TollgateTestServer.StartAsync(Config, masterKey: "sk-from-env", workingDirectory: _directory, environment: environment);

        Assert.Equal("env", await AskAsync(server, "sk-from-env", "env"));
        Assert.False(File.Exists(Path.Combine(_directory, ".tollgate", "master.key")));
    }

    private static async Task<string> AskAsync(TollgateTestServer server, string key, string text)
    {
        var chat = new ChatClient("demo", new System.ClientModel.ApiKeyCredential(key), GatewayFixture.SdkOptions(server.BaseUrl));
        return (await chat.CompleteChatAsync([new UserChatMessage(text)], cancellationToken: TestTimeouts.Token())).Value.Content[0].Text;
    }

    private static async Task AssertRefusedAsync(TollgateTestServer server, string key)
    {
        var chat = new ChatClient("demo", new System.ClientModel.ApiKeyCredential(key), GatewayFixture.SdkOptions(server.BaseUrl));
        var ex = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("x")], cancellationToken: TestTimeouts.Token()));
        Assert.Equal(401, ex.Status);
    }
}
