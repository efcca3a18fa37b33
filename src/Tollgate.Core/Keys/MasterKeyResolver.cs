using System.Security.Cryptography;
using Tollgate.Core.Configuration;

namespace Tollgate.Core.Keys;

/// <summary>
/// Finds the master key: <c>server.master_key</c> in the config, else the TOLLGATE_MASTER_KEY variable, else the key
/// kept in <c>master.key</c> in the data directory, generating that file (mode 0600) on first start. The server never
/// runs without a key.
/// </summary>
public static class MasterKeyResolver
{
    /// <summary>The environment variable that can hold the master key.</summary>
    public const string EnvironmentVariable = "TOLLGATE_MASTER_KEY";

    /// <summary>The file name of a generated key in the data directory.</summary>
    public const string FileName = "master.key";

    /// <summary>Resolves the key for <paramref name="config"/>.</summary>
    public static MasterKeyResolution Resolve(TollgateConfig config, Func<string, string?> getEnvironmentVariable, string workingDirectory)
    {
        if (!string.IsNullOrEmpty(config.Server.MasterKey))
        {
            return new MasterKeyResolution(config.Server.MasterKey, MasterKeySource.Config, null);
        }

        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return new MasterKeyResolution(fromEnvironment, MasterKeySource.Environment, null);
        }

        var dataDirectory = DataDirectory(config, workingDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                return new MasterKeyResolution(existing, MasterKeySource.File, path);
            }
        }

        Directory.CreateDirectory(dataDirectory);
        var key = "sk-tollgate-" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key);
        }

        return new MasterKeyResolution(key, MasterKeySource.Generated, path);
    }

    /// <summary>The data directory: <c>server.data_dir</c>, else <c>.tollgate</c> beside the config file or in the working directory.</summary>
    public static string DataDirectory(TollgateConfig config, string workingDirectory)
    {
        if (!string.IsNullOrEmpty(config.Server.DataDirectory))
        {
            return Path.GetFullPath(config.Server.DataDirectory, config.SourcePath is { } source ? Path.GetDirectoryName(source)! : workingDirectory);
        }

        var baseDirectory = config.SourcePath is { } file ? Path.GetDirectoryName(Path.GetFullPath(file))! : workingDirectory;
        return Path.Combine(baseDirectory, ".tollgate");
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
