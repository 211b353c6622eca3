using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

internal sealed record Project(long Id, string Name, string Task);

/// <summary>pgml.projects: one row per project name, with its task.</summary>
internal static class Projects
{
    public static Project? Find(string name)
    {
        if (Spi.Query("SELECT id, task::text FROM pgml.projects WHERE name = $1", 1, SqlArg.Of(name)) == 0)
            return null;
        return new Project(Spi.Int64(0, 1)!.Value, name, Spi.Text(0, 2)!);
    }

    public static bool Exists(string name) => Find(name) is not null;

    public static Project Create(string name, string task)
    {
        Spi.Execute("INSERT INTO pgml.projects (name, task) VALUES ($1, $2::pgml.task) RETURNING id",
            SqlArg.Of(name), SqlArg.Of(task));
        return new Project(Spi.Int64(0, 1)!.Value, name, task);
    }
}
