using System.Text;
using System.Text.RegularExpressions;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// Every <c>```console</c> block in README.md and docs/*.md is a transcript: lines starting with
/// <c>$ ownerc</c> are run (in process, from the repository root) and what follows each one, up to
/// the next <c>$</c> line, must be exactly what that run prints (stdout, then stderr). So no page can
/// show output the tool no longer prints. With <c>OWNER_ACCEPT_BASELINES=1</c> the pages are rewritten
/// with the real output; review the diff.
/// </summary>
public partial class DocTranscriptTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (string page in AllPages().Where(page => TranscriptBlock().IsMatch(Read(page))))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public void The_cli_reference_has_transcripts() => AllPages().Where(page => TranscriptBlock().IsMatch(Read(page))).ShouldContain("docs/cli.md");

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_transcript_prints_what_the_page_shows(string page)
    {
        string text = Read(page);
        var failures = new List<string>();
        string rewritten = TranscriptBlock().Replace(text, block =>
        {
            var real = new StringBuilder();
            foreach ((string command, string shown) in Commands(block.Groups["body"].Value))
            {
                CliResult result = Ownerc.Run(SplitArguments(command["$ ownerc ".Length..]));
                string printed = result.Stdout + result.Stderr;
                if (printed != shown)
                {
                    failures.Add($"{page}: '{command}' printed\n{printed}\nbut the page shows\n{shown}");
                }

                real.Append(command).Append('\n').Append(printed);
            }

            return "```console\n" + real + "```";
        });

        if (failures.Count > 0 && Baseline.Accepting)
        {
            File.WriteAllText(Path.Combine(Baseline.RepoRoot, page), rewritten);
            return;
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    private static IEnumerable<(string Command, string Shown)> Commands(string body)
    {
        string[] lines = body.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("$ ", StringComparison.Ordinal))
            {
                continue;
            }

            lines[i].ShouldStartWith("$ ownerc ", customMessage: "a console transcript runs ownerc only");
            var shown = new StringBuilder();
            int next = i + 1;
            for (; next < lines.Length && !lines[next].StartsWith("$ ", StringComparison.Ordinal); next++)
            {
                if (next < lines.Length - 1 || lines[next].Length > 0)
                {
                    shown.Append(lines[next]).Append('\n');
                }
            }

            yield return (lines[i], shown.ToString());
            i = next - 1;
        }
    }

    /// <summary>Splits a shell command line the way a POSIX shell would for the simple quoting docs use.</summary>
    private static string[] SplitArguments(string commandLine)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        bool inArgument = false;
        foreach (char c in commandLine)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inArgument = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }
            }
            else
            {
                current.Append(c);
                inArgument = true;
            }
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        return [.. arguments];
    }

    private static IEnumerable<string> AllPages() =>
        Directory.EnumerateFiles(Path.Combine(Baseline.RepoRoot, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(Baseline.RepoRoot, "README.md"))
            .Select(Baseline.Relative)
            .Order(StringComparer.Ordinal);

    private static string Read(string page) => File.ReadAllText(Path.Combine(Baseline.RepoRoot, page)).ReplaceLineEndings("\n");

    [GeneratedRegex("```console\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex TranscriptBlock();
}
