namespace Tollgate.Storage.Sqlite.Tests;

/// <summary>SQLite databases in a temp directory that is deleted with the test class.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly List<SqliteDatabase> _opened = [];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tollgate-sqlite-").FullName;

    public SqliteDatabase Open(string name = "tollgate.db", TimeSpan? busyTimeout = null)
    {
        var database = new SqliteDatabase(Path.Combine(Directory, name), busyTimeout);
        _opened.Add(database);
        return database;
    }

    public void Dispose()
    {
        foreach (var database in _opened)
        {
            database.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the OS temp cleaner gets it.
        }
    }
}
