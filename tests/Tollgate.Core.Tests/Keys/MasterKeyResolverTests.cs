using Tollgate.Core.Configuration;
using Tollgate.Core.Keys;
using Tollgate.Core.Tests.Testing;

namespace Tollgate.Core.Tests.Keys;

public sealed class MasterKeyResolverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tollgate-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Resolve_ConfigKey_WinsOverEnvironmentAndFile()
    {
        WriteKeyFile("sk-from-file");
        var config = TestGateway.EmptyConfig() with { Server = new ServerConfig { MasterKey = "sk-from-config" } };

        var resolution = MasterKeyResolver.Resolve(config, _ => "sk-from-env", _directory);

        Assert.Equal(new MasterKeyResolution("sk-from-config", MasterKeySource.Config, null), resolution);
    }

    [Fact]
    public void Resolve_NoConfigKey_UsesEnvironmentOverFile()
    {
        WriteKeyFile("sk-from-file");
        string? asked = null;

        var resolution = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), name => (asked = name) == "TOLLGATE_MASTER_KEY" ? "sk-from-env" : null, _directory);

        Assert.Equal("TOLLGATE_MASTER_KEY", asked);
        Assert.Equal(new MasterKeyResolution("sk-from-env", MasterKeySource.Environment, null), resolution);
    }

    [Fact]
    public void Resolve_OnlyFile_ReadsTrimmedFileKey()
    {
        var path = WriteKeyFile("  sk-from-file\n");

        var resolution = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), _ => null, _directory);

        Assert.Equal(new MasterKeyResolution("sk-from-file", MasterKeySource.File, path), resolution);
    }

    [Fact]
    public void Resolve_EmptyEnvironmentValue_FallsThroughToFile()
    {
        WriteKeyFile("sk-from-file");

        var resolution = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), _ => string.Empty, _directory);

        Assert.Equal(MasterKeySource.File, resolution.Source);
    }

    [Fact]
    public void Resolve_NothingAnywhere_GeneratesPrivateFileAndReusesIt()
    {
        var first = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), _ => null, _directory);
        var second = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), _ => null, _directory);

        var expectedPath = Path.Combine(_directory, ".tollgate", "master.key");
        Assert.Equal(MasterKeySource.Generated, first.Source);
        Assert.Equal(expectedPath, first.FilePath);
        Assert.Matches("^sk-tollgate-[A-Za-z0-9_-]{43}$", first.Key);
        Assert.Equal(first.Key, File.ReadAllText(expectedPath));
        Assert.Equal(new MasterKeyResolution(first.Key, MasterKeySource.File, expectedPath), second);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(expectedPath));
        }
    }

    [Fact]
    public void Resolve_TwoGenerations_DifferentKeys()
    {
        var other = Directory.CreateTempSubdirectory("tollgate-keys-").FullName;
        try
        {
            var a = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), _ => null, _directory);
            var b = MasterKeyResolver.Resolve(TestGateway.EmptyConfig(), _ => null, other);

            Assert.NotEqual(a.Key, b.Key);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void ToString_Resolution_NeverContainsTheKey()
    {
        var resolution = new MasterKeyResolution("sk-secret-value", MasterKeySource.Config, null);

        Assert.DoesNotContain("sk-secret-value", resolution.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirectory_RelativeSettingWithConfigFile_ResolvesAgainstTheFilesDirectory()
    {
        var config = TestGateway.EmptyConfig() with
        {
            Server = new ServerConfig { DataDirectory = "state" },
            SourcePath = Path.Combine(_directory, "conf", "tollgate.yaml"),
        };

        Assert.Equal(Path.Combine(_directory, "conf", "state"), MasterKeyResolver.DataDirectory(config, "/elsewhere"));
    }

    private string WriteKeyFile(string content)
    {
        var directory = Path.Combine(_directory, ".tollgate");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "master.key");
        File.WriteAllText(path, content);
        return path;
    }
}
