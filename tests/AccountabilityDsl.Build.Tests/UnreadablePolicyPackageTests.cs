using System.Diagnostics;
using AccountabilityDsl.Build.Tests.Infrastructure;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// The task reads policies through the same host layer as ownerc: a FIFO, a folder, a missing
/// file and invalid UTF-8 fail the build with the words ownerc uses (OWNB002 for what cannot be
/// read, OWN0001 for content), and nothing blocks.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class UnreadablePolicyPackageTests(PackedFeed feed)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Unreadable_policies_fail_the_build_in_ownerc_s_words_without_blocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // mkfifo, and the kernel file-type check, are Linux's.
        }

        var app = new ConsumerProject(feed, "unreadable", "Console.WriteLine();\n", """
              <ItemGroup>
                <OwnerPolicy Include="missing.owner" />
                <OwnerPolicy Include="dir.owner" />
              </ItemGroup>
            """);
        Directory.CreateDirectory(Path.Combine(app.Directory, "dir.owner"));
        File.WriteAllBytes(Path.Combine(app.Directory, "bad.owner"), [.. "policy Bad\nstages A\nsegment S\nowner O\naccountable O for * at *\n// caf"u8, 0xE9, 0xFF, (byte)'\n']);
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(app.Directory, "pipe.owner")]))
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.ShouldBe(0);
        }

        ProcessResult built = app.Build();
        built.ExitCode.ShouldNotBe(0, built.ToString());
        string At(string name) => Path.Combine(app.Directory, name);
        built.Output.ShouldContain($"error OWNB002: cannot read '{At("pipe.owner")}': it is a FIFO (named pipe), not a regular file", Case.Sensitive, built.ToString());
        built.Output.ShouldContain($"error OWNB002: no such file or folder: '{At("missing.owner")}'", Case.Sensitive, built.ToString());
        built.Output.ShouldContain($"error OWNB002: cannot read '{At("dir.owner")}': it is a folder", Case.Sensitive, built.ToString());
        built.Output.ShouldContain($"{At("bad.owner")}(6,", Case.Sensitive, built.ToString());
        built.Output.ShouldContain("error OWN0001: ", Case.Sensitive, built.ToString());
    }
}
