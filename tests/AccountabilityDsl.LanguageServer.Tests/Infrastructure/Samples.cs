namespace AccountabilityDsl.LanguageServer.Tests.Infrastructure;

/// <summary>The repository's sample policies, and positions in text found by what is written there.</summary>
public static class Samples
{
    public static string Root { get; } = FindRoot();

    public static string Folder => Path.Combine(Root, "samples");

    public static IEnumerable<string> All => Directory.EnumerateFiles(Folder, "*.owner", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static string Path_(string name) => Path.Combine(Folder, name);

    public static string Read(string name) => File.ReadAllText(Path_(name));

    /// <summary>The 0-based line and character of the <paramref name="occurrence"/>-th match of <paramref name="needle"/>, plus an offset into it.</summary>
    public static (int Line, int Character) Find(string text, string needle, int occurrence = 1, int into = 0)
    {
        int at = -1;
        for (int i = 0; i < occurrence; i++)
        {
            at = text.IndexOf(needle, at + 1, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException($"'{needle}' occurs fewer than {occurrence} times");
            }
        }

        at += into;
        int line = 0, lineStart = 0;
        for (int i = 0; i < at; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, at - lineStart);
    }

    private static string FindRoot()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "AccountabilityDsl.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("the repository root (AccountabilityDsl.sln) was not found above " + AppContext.BaseDirectory);
    }
}
