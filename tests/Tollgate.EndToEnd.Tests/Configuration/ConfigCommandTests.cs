using System.CommandLine;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Server.Cli;

namespace Tollgate.EndToEnd.Tests.Configuration;

/// <summary><c>tollgate config check FILE</c>, run through the command line as the executable parses it.</summary>
public sealed class ConfigCommandTests : IAsyncLifetime
{
    private string _directory = null!;

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("tollgate-e2e-cli-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ConfigCheck_ValidFile_ExitsZeroWithSummary()
    {
        var path = await WriteAsync("good.yaml", "claude");

        var (exit, output, error) = Run("config", "check", path);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        Assert.Contains($"{path}: OK (2 providers, 2 models)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_InvalidFile_ExitsOneWithLocatedError()
    {
        var path = await WriteAsync("bad.yaml", "claud");

        var (exit, output, error) = Run("config", "check", path);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"{path}:9:40: models.sonnet.deployments[0].provider: unknown provider 'claud'", error, StringComparison.Ordinal);
        Assert.Contains($"{path}: 1 error(s)", error, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = TollgateCli.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> WriteAsync(string name, string sonnetProvider)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, $$"""
            server:
              master_key: sk-test-master
            providers:
              claude: { type: anthropic, api_key: sk-ant-test }
              sim:
                type: simulated
            models:
              demo: { deployments: [ { provider: sim, model: echo } ] }
              sonnet: { deployments: [ { provider: {{sonnetProvider}}, model: claude-sonnet-4-5 } ] }
            """).WaitAsync(TestTimeouts.Default);
        return path;
    }
}
