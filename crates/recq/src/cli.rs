//! The command line: `recq [GLOBAL FLAGS] <vendor> <command> [ARGS]`, or `recq demo`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (with --watch: the recording completed)
  2  usage or configuration error (bad flags, missing credentials, invalid parameters)
  3  not found (including Agora's HTTP 404 once a session has ended)
  4  authentication or signature rejected, or permission denied
  5  rate limited after retries, or another vendor error
  6  transport error or timeout
  7  with --watch: the recording failed or is gone
  8  with --watch: --max-wait ran out

Credentials come from the environment (ZEGO_APP_ID, ZEGO_SERVER_SECRET; QINGCLOUD_ACCESS_KEY_ID,
QINGCLOUD_SECRET_ACCESS_KEY; VOLC_ACCESSKEY, VOLC_SECRETKEY, VOLC_SESSION_TOKEN; AGORA_CUSTOMER_ID,
AGORA_CUSTOMER_SECRET) or from a profile of the config file; the environment wins.";

/// Query RTC cloud recordings: ZEGO, QingCloud RTC, Volcengine RTC and Agora.
#[derive(Debug, Parser)]
#[command(name = "recq", version, about, after_long_help = EXIT_CODES, after_help = EXIT_CODES)]
pub struct Cli {
    /// Global flags (accepted before or after the subcommand).
    #[command(flatten)]
    pub global: Global,
    /// The vendor and its command, or `demo`.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Base URL override, scheme included (e.g. http://127.0.0.1:8080).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// One of the vendor's documented regional hosts, by name (e.g. ZEGO `sgp`, Volcengine
    /// `ap-singapore-1`).
    #[arg(long, global = true, value_name = "NAME")]
    pub region: Option<String>,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, global = true, value_enum)]
    pub output: Option<OutputFormat>,
    /// When to colour states: `auto` on a terminal unless NO_COLOR is set (and not empty).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print the fully signed request as JSON {method, url, headers, body} and send
    /// nothing (secrets redacted).
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Poll until the recording reaches a terminal state.
    #[arg(long, global = true)]
    pub watch: bool,
    /// Shortest delay between two polls with --watch (e.g. 2s, 500ms).
    #[arg(long, global = true, value_parser = parse_duration, default_value = "2s")]
    pub interval: Duration,
    /// Give up watching after this long (e.g. 30m).
    #[arg(long, global = true, value_parser = parse_duration, default_value = "1h")]
    pub max_wait: Duration,
    /// Time limit of one call, retries included (e.g. 30s).
    #[arg(long, global = true, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Time limit of one attempt (e.g. 5s), so that an answer lost on the way can be
    /// retried within --timeout (default: --timeout, or the SDK's default).
    #[arg(long, global = true, value_parser = parse_duration, value_name = "DURATION")]
    pub attempt_timeout: Option<Duration>,
    /// Retries after a failed attempt that a retry can help (0: none).
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,
    /// Profile of the config file to use (default: `default`, or RECQ_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file (default: `<config dir>/recq/config.toml`, or RECQ_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log to stderr (-v: requests, -vv: everything).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A readable table.
    Table,
    /// JSON: one object for one recording, JSON Lines for lists.
    Json,
}

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to a non-empty value.
    Auto,
    /// Always, also into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// The command: a vendor and its command, or `demo`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// ZEGO (即构) cloud recording.
    #[command(subcommand)]
    Zego(ZegoCommand),
    /// QingCloud RTC (青云) cloud recording.
    #[command(subcommand)]
    Qingcloud(QingCloudCommand),
    /// Volcengine RTC (火山引擎) cloud recording.
    #[command(subcommand)]
    Volc(VolcCommand),
    /// Agora / Shengwang (声网) cloud recording.
    #[command(subcommand)]
    Agora(AgoraCommand),
    /// Start a local emulator of all four vendors in-process and query it with the real
    /// clients: a table of recordings in every state (no account, no network). With
    /// --watch, start one recording per vendor (through the vendor's start API where this
    /// SDK has one), pause, resume, re-lay-out and stop it where the vendor allows, and
    /// follow it to completion (~14 s).
    Demo(DemoArgs),
}

/// `recq demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Serve this scenario instead of the built-in one (TOML, or JSON when it ends in .json;
    /// format: the record-emulator docs).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// With --watch: how many times faster than the clock the watched recordings move
    /// through their lifecycle (about 14 s at 1).
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub speed: f64,
}

/// ZEGO commands.
#[derive(Debug, Subcommand)]
pub enum ZegoCommand {
    /// The state and files of one recording task (DescribeRecordStatus).
    Status {
        /// The task id StartRecord returned.
        task_id: String,
    },
    /// List recording tasks (DescribeTasks).
    Tasks(ZegoTasks),
    /// Start a recording (StartRecord): FILE is the request JSON in ZEGO's own field names.
    /// ZEGO starts a new task on every call, so a call whose answer was lost is not retried.
    Start(BodyArgs),
    /// Stop a recording (StopRecord); `outcome` says whether it had already stopped.
    Stop {
        /// The task id StartRecord returned.
        task_id: String,
    },
    /// Pause a mixed recording (PauseRecord).
    Pause {
        /// The task id StartRecord returned.
        task_id: String,
    },
    /// Resume a paused recording (ResumeRecord).
    Resume {
        /// The task id StartRecord returned.
        task_id: String,
    },
    /// Change the mixed layout (UpdateLayout): FILE holds the UpdateLayout fields (TaskId
    /// optional; it must equal TASK_ID if given).
    UpdateLayout {
        /// The task id StartRecord returned.
        task_id: String,
        /// The body.
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Show another whiteboard in the recording (UpdateWhiteboard).
    UpdateWhiteboard {
        /// The task id StartRecord returned.
        task_id: String,
        /// The whiteboard (WhiteboardId).
        #[arg(long, value_name = "ID")]
        whiteboard_id: String,
    },
    /// Take a snapshot of the recording (TakeSnapshot).
    Snapshot {
        /// The task id StartRecord returned.
        task_id: String,
    },
}

/// A request body the caller writes in the vendor's own field names.
#[derive(Debug, Args)]
pub struct BodyArgs {
    /// The JSON body, from a file or `-` (standard input).
    #[arg(long, value_name = "FILE|-")]
    pub body: PathBuf,
    /// Send fields the model does not know verbatim instead of refusing them.
    #[arg(long)]
    pub allow_unknown_fields: bool,
}

/// `recq zego tasks`.
#[derive(Debug, Args)]
pub struct ZegoTasks {
    /// Running or ended tasks.
    #[arg(long, value_enum)]
    pub status: ZegoListStatus,
    /// Only tasks of this room.
    #[arg(long)]
    pub room: Option<String>,
    /// Tasks started within this long before now (e.g. 2h, 1d; at most 3 days).
    #[arg(long, value_parser = parse_duration, conflicts_with_all = ["start", "end"])]
    pub since: Option<Duration>,
    /// Window start, Unix milliseconds.
    #[arg(long, requires = "end", value_name = "MS")]
    pub start: Option<i64>,
    /// Window end, Unix milliseconds.
    #[arg(long, requires = "start", value_name = "MS")]
    pub end: Option<i64>,
    /// Tasks per page.
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
    /// Follow every page, not only the first.
    #[arg(long)]
    pub all: bool,
}

/// ZEGO list filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ZegoListStatus {
    /// Running tasks (Status 2).
    Recording,
    /// Ended tasks (Status 3).
    Ended,
}

/// QingCloud commands.
#[derive(Debug, Subcommand)]
pub enum QingCloudCommand {
    /// List the recordings of one channel (GET /v1/cloudRecord).
    List(QingCloudList),
}

/// `recq qingcloud list`.
#[derive(Debug, Args)]
pub struct QingCloudList {
    /// The application id.
    #[arg(long)]
    pub app_id: String,
    /// The channel.
    #[arg(long)]
    pub channel: String,
    /// Window start, in hours before now.
    #[arg(long, value_name = "H")]
    pub from_hour: Option<u32>,
    /// Window end, in hours before now.
    #[arg(long, value_name = "H")]
    pub to_hour: Option<u32>,
    /// Records to skip.
    #[arg(long, value_name = "N")]
    pub offset: Option<u32>,
    /// Records per page.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Follow every page, not only the first.
    #[arg(long)]
    pub all: bool,
}

/// Volcengine commands.
#[derive(Debug, Subcommand)]
pub enum VolcCommand {
    /// The state and files of one recording task (GetRecordTask).
    Task {
        /// The application id (AppId).
        #[arg(long)]
        app_id: String,
        /// The room (RoomId).
        #[arg(long)]
        room: String,
        /// The task (TaskId).
        #[arg(long)]
        task: String,
    },
}

/// Agora commands.
#[derive(Debug, Subcommand)]
pub enum AgoraCommand {
    /// The state and files of one recording session (query).
    Query {
        /// The App ID.
        #[arg(long)]
        app_id: String,
        /// The resource id `acquire` returned.
        #[arg(long)]
        resource_id: String,
        /// The sid `start` returned.
        #[arg(long)]
        sid: String,
        /// The recording mode.
        #[arg(long, value_enum)]
        mode: AgoraMode,
    },
}

/// Agora recording modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AgoraMode {
    /// Individual (single-stream) recording.
    Individual,
    /// Composite (mixed) recording.
    Mix,
    /// Web page recording.
    Web,
}

impl AgoraMode {
    /// The mode as it appears in the URL.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Mix => "mix",
            Self::Web => "web",
        }
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration like 30s, 5m, 2h: {e}"))
}
