using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Server.Hosting;

namespace Tollgate.EndToEnd.Tests.Configuration;

/// <summary>The config file at start-up and while the server runs.</summary>
public sealed class ConfigLifecycleTests : IAsyncLifetime
{
    private const string MasterKey = "sk-test-master";

    private string _directory = null!;

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("tollgate-e2e-config-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Start_InvalidConfig_ThrowsWithEveryErrorAndItsPath()
    {
        var path = Path.Combine(_directory, "bad.yaml");
        await File.WriteAllTextAsync(path, """
            server:
              master_key: sk-test-master
            providers:
              sim:
                type: simulated
                colour: blue
            models:
              demo: { deployments: [ { provider: simm, model: echo } ] }
            """).WaitAsync(TestTimeouts.Default);

        var ex = Assert.Throws<ConfigInvalidException>(() => TollgateServer.Build(TollgateTestServer.CreateSettings(path, _directory)));

        Assert.Equal(path, ex.Path);
        Assert.Equal(2, ex.Errors.Count);
        var provider = Assert.Single(ex.Errors, e => e.Path == "models.demo.deployments[0].provider");
        Assert.Contains("unknown provider 'simm'", provider.Message, StringComparison.Ordinal);
        Assert.Equal(8, provider.Line);
        Assert.Single(ex.Errors, e => e.Path.StartsWith("providers.sim", StringComparison.Ordinal) && e.Message.Contains("colour", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HotReload_ModelAdded_ServedWithoutRestart()
    {
        await using var server = await TollgateTestServer.StartAsync(Config("demo"), workingDirectory: _directory);
        var models = ModelClient(server);
        Assert.Equal(["demo"], await ModelIdsAsync(models));

        await server.RewriteConfigAsync(Config("demo", "demo-two"));

        await TestTimeouts.PollAsync(async () => (await ModelIdsAsync(models)).Contains("demo-two"), "the new model in /v1/models");
        var chat = new ChatClient("demo-two", new System.ClientModel.ApiKeyCredential(MasterKey), GatewayFixture.SdkOptions(server.BaseUrl));
        var answer = (await chat.CompleteChatAsync([new UserChatMessage("reloaded fine")], cancellationToken: TestTimeouts.Token())).Value;
        Assert.Equal("reloaded fine", answer.Content[0].Text);
        Assert.True(server.Services.GetRequiredService<ConfigWatcherHolder>().Watcher!.ReloadCount >= 1);
    }

    [Fact]
    public async Task HotReload_InvalidConfig_KeepsServingLastGoodConfig()
    {
        await using var server = await TollgateTestServer.StartAsync(Config("demo"), workingDirectory: _directory);
        var watcher = server.Services.GetRequiredService<ConfigWatcherHolder>().Watcher!;

        await server.RewriteConfigAsync(Config("demo") + "  broken: { deployments: [ { provider: nowhere, model: echo } ] }\n");

        await TestTimeouts.PollAsync(() => watcher.LastErrors.Any(e => e.Path.StartsWith("models.broken", StringComparison.Ordinal)), "the refused reload");
        Assert.Equal(0, watcher.ReloadCount);
        var error = Assert.Single(watcher.LastErrors);
        Assert.Equal("models.broken.deployments[0].provider", error.Path);
        Assert.Contains("unknown provider 'nowhere'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["demo"], await ModelIdsAsync(ModelClient(server)));
        var chat = new ChatClient("demo", new System.ClientModel.ApiKeyCredential(MasterKey), GatewayFixture.SdkOptions(server.BaseUrl));
        var answer = (await chat.CompleteChatAsync([new UserChatMessage("still serving")], cancellationToken: TestTimeouts.Token())).Value;
        Assert.Equal("still serving", answer.Content[0].Text);
    }

    [Fact]
    public async Task HotReload_EmptyFile_KeepsModelsAndMasterKey()
    {
        await using var server = await TollgateTestServer.StartAsync(Config("demo"), workingDirectory: _directory);
        var watcher = server.Services.GetRequiredService<ConfigWatcherHolder>().Watcher!;

        // What a reload sees when it reads a file an editor has truncated but not yet written.
        await server.RewriteConfigAsync(string.Empty);

        await TestTimeouts.PollAsync(() => watcher.FailedReloadCount >= 1, "the refused reload of the empty file");
        Assert.Equal(0, watcher.ReloadCount);
        Assert.Equal(["demo"], await ModelIdsAsync(ModelClient(server)));
        Assert.False(File.Exists(Path.Combine(_directory, ".tollgate", "master.key")), "no master key was generated to replace the configured one");
    }

    private static string Config(params string[] models) => $"""
        server:
          master_key: {MasterKey}
        providers:
          sim:
            type: simulated
        models:
        {string.Concat(models.Select(m => $"  {m}: {{ deployments: [ {{ provider: sim, model: echo }} ] }}\n"))}
        """;

    private static global::OpenAI.Models.OpenAIModelClient ModelClient(TollgateTestServer server) =>
        new(new System.ClientModel.ApiKeyCredential(MasterKey), GatewayFixture.SdkOptions(server.BaseUrl));

    private static async Task<List<string>> ModelIdsAsync(global::OpenAI.Models.OpenAIModelClient client) =>
        [.. (await client.GetModelsAsync(TestTimeouts.Token())).Value.Select(m => m.Id)];
}
