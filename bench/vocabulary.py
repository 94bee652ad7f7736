"""Word lists for the synthetic organization built by generate.py.

Kept apart from the generator so the generator reads as the shape of a governance
repository, not as pages of strings. Every text here is our own invention: a
fictional insurer that builds, buys and operates AI systems.
"""

from __future__ import annotations

ORGANIZATION = {
    "name": "Halvard Mutual Insurance",
    "legal_entity": "Halvard Mutual Insurance Group plc",
    "sector": "insurance and financial services",
    "jurisdictions": ["EU", "UK", "US"],
    "contact": "ai-governance@halvard.example",
}

SITES = ["Leeds (head office)", "Rotterdam", "Hartford", "Kraków delivery centre"]

FIRST_NAMES = [
    "Amara", "Bjorn", "Chen", "Dalia", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
    "Keiko", "Lars", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rania", "Sami", "Tomasz",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia", "Aidan", "Beatriz", "Caleb", "Dinah",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Haddad", "Kowalski", "Nakamura", "Fernandes", "Osei",
    "Brennan", "Varga", "Suzuki", "Petrov", "Adeyemi", "Castillo", "Nguyen", "Johansson",
    "Rahman", "Schmidt", "Costa", "Dubois", "Ibrahim", "Kaur", "Novak", "Romero",
]  # fmt: skip
JOB_TITLES = [
    "ML engineer", "data scientist", "product owner", "data engineer", "MLOps engineer",
    "risk analyst", "business analyst", "solution architect", "model validator", "team lead",
]  # fmt: skip

# Senior people who approve: (name, role). Approvals come from a small, stable set.
EXECUTIVES = [
    ("Helena Marsh", "Chief Executive Officer"),
    ("Rafael Quintero", "Chief Risk Officer"),
    ("Ingrid Solberg", "Chief Data Officer"),
    ("Marcus Obi", "Chief Technology Officer"),
    ("Leah Stein", "Head of AI Governance"),
    ("Tariq Aziz", "Data Protection Officer"),
    ("Clara Whitfield", "Head of Internal Audit"),
]

# Business units: (slug, title, users, affected parties, data categories).
DOMAINS = [
    ("claims", "Claims", ["claims handlers", "claims team leads"],
     ["policyholders", "claimants", "repair partners"], ["claim records", "photos", "adjuster notes"]),
    ("underwriting", "Underwriting", ["underwriters", "pricing actuaries"],
     ["applicants", "brokers"], ["application forms", "credit bureau data", "loss history"]),
    ("service", "Customer service", ["contact-centre agents", "service managers"],
     ["policyholders", "prospective customers"], ["chat transcripts", "call recordings", "CRM notes"]),
    ("fraud", "Fraud", ["fraud investigators", "special investigations unit"],
     ["claimants", "third parties named in claims"], ["claim records", "network links", "device data"]),
    ("finance", "Finance", ["accountants", "treasury analysts"],
     ["suppliers", "auditors"], ["ledger entries", "invoices", "payment runs"]),
    ("people", "People", ["HR business partners", "recruiters"],
     ["employees", "job applicants"], ["HR records", "CVs", "survey responses"]),
    ("marketing", "Marketing", ["campaign managers", "web analysts"],
     ["prospective customers", "policyholders"], ["web analytics", "campaign responses"]),
    ("itops", "IT operations", ["site reliability engineers", "service desk"],
     ["employees", "customers affected by outages"], ["system logs", "tickets", "metrics"]),
    ("legal", "Legal", ["in-house lawyers", "paralegals"],
     ["counterparties", "policyholders"], ["contracts", "correspondence"]),
    ("pricing", "Pricing", ["pricing actuaries", "product managers"],
     ["policyholders", "applicants"], ["quotes", "conversion data", "loss ratios"]),
]  # fmt: skip

# What a system does: (slug, name suffix, platform, intended-use template, misuse, metrics).
FUNCTIONS = [
    ("triage", "triage classifier", "tabular",
     "Sorts incoming {domain} work items by urgency and complexity so that {user} see the most "
     "time-critical ones first; every routing decision can be overridden by a person.",
     "Using the urgency score to refuse or delay service rather than to order work.",
     ["precision at top 10%", "override rate", "queue time"]),
    ("anomaly", "anomaly detector", "tabular",
     "Flags unusual {domain} transactions for review by {user}; it never blocks a transaction "
     "on its own.",
     "Treating a flag as proof of wrongdoing without human investigation.",
     ["alert precision", "alerts per day", "missed-case rate"]),
    ("extract", "document extractor", "vision",
     "Reads scanned {domain} documents and fills structured fields that {user} confirm before "
     "they are stored.",
     "Processing document types it was not evaluated on, such as handwritten medical notes.",
     ["field accuracy", "confirmation edits", "pages per minute"]),
    ("assistant", "chat assistant", "genai",
     "Drafts answers to {domain} questions for {user}, citing the internal knowledge base; "
     "drafts are reviewed before they are sent.",
     "Sending generated answers to customers without review, or asking it for legal advice.",
     ["groundedness score", "review edit rate", "escalation rate"]),
    ("forecast", "forecasting model", "tabular",
     "Forecasts weekly {domain} volumes so that {user} can plan staffing and budgets.",
     "Using volume forecasts to set individual performance targets.",
     ["MAPE", "bias", "forecast coverage"]),
    ("recommend", "next-best-action recommender", "tabular",
     "Suggests the next step in a {domain} case to {user}, who decide whether to follow it.",
     "Applying recommendations automatically without the handler's decision.",
     ["acceptance rate", "uplift", "complaint rate"]),
    ("summarize", "case summarizer", "genai",
     "Summarizes long {domain} case histories for {user} at handover.",
     "Relying on a summary instead of the record for a final decision.",
     ["factual consistency", "summary length", "reviewer rating"]),
    ("score", "risk scorer", "tabular",
     "Scores {domain} cases for risk to prioritize review by {user}; the score is one input "
     "among several.",
     "Using the score as the sole basis for declining a person.",
     ["AUC", "calibration error", "score drift (PSI)"]),
    ("transcribe", "speech transcriber", "speech",
     "Transcribes recorded {domain} calls so that {user} can search and quality-check them.",
     "Inferring emotions or health conditions of callers from the recordings.",
     ["word error rate", "diarization error", "latency"]),
    ("search", "semantic search ranker", "genai",
     "Ranks internal {domain} documents in answer to queries from {user}.",
     "Exposing documents to staff who are not authorized to read them.",
     ["nDCG@10", "zero-result rate", "click-through"]),
]  # fmt: skip

PLATFORMS = {
    "tabular": "Tabular models platform",
    "vision": "Document vision platform",
    "genai": "Generative AI platform",
    "speech": "Speech analytics platform",
}

# Per-platform documents every system on that platform points to: (field, file stem, title).
PLATFORM_DOCUMENTS = [
    ("requirements", "requirements", "requirements and specification"),
    ("design_documentation", "design", "design and development record"),
    ("technical_documentation", "technical-documentation", "technical documentation"),
    ("user_information", "user-information", "information for users"),
    ("verification_report", "verification-report", "verification and validation report"),
    ("deployment_plan", "deployment-plan", "deployment plan"),
    ("monitoring_plan", "monitoring-plan", "operation and monitoring plan"),
]

TOOLING = ["MLflow", "Airflow", "dbt", "Great Expectations", "Label Studio", "Feast", "Evidently"]
COMPUTING = [
    "shared Kubernetes CPU pool",
    "Kubernetes GPU pool (A100)",
    "managed inference endpoint",
    "on-premises batch cluster",
    "serverless functions",
]
LOG_EVENTS = ["prediction", "input hash", "model version", "override", "error", "drift alert"]

SUPPLIER_KINDS = [
    ("foundation model API", "Cognita Labs"),
    ("cloud hosting and GPUs", "Stratus Compute"),
    ("labelled training data", "Tessellate Data"),
    ("speech recognition engine", "Vocalis Systems"),
    ("OCR engine", "Glyphworks"),
    ("credit bureau data", "Meridian Credit Data"),
    ("model monitoring service", "Sentinel Metrics"),
    ("annotation workforce", "Northgate Annotation"),
]
CUSTOMER_NAMES = [
    "Brightwater Brokers", "Calder Fleet Leasing", "Dunmore Housing Association",
    "Elmstead Travel", "Fairhaven Credit Union", "Greystone Logistics", "Harbourside Clinics",
    "Ironbridge Motor Group",
]  # fmt: skip
# Data origin -> the licence under which such data is usually held.
LICENCES = {
    "internal systems": "proprietary (internal)",
    "acquired from a supplier": "commercial licence",
    "public": "CC BY 4.0",
}

PREPARATION_STEPS = [
    "removed direct identifiers",
    "deduplicated records",
    "balanced classes by stratified sampling",
    "labelled by two annotators with adjudication",
    "filtered records outside the retention period",
    "normalized currency and dates",
]

# Risk templates: (title, description, C.3 sources, C.2 objectives, A controls in treatment).
RISKS = [
    ("Unfair outcomes for a protected group",
     "Error rates may differ between groups of people and lead to unequal treatment.",
     ["C.3.4"], ["C.2.5"], ["A.7.4", "A.5.4"]),
    ("Performance drift after deployment",
     "Input data may shift away from the training data and quality may fall unnoticed.",
     ["C.3.6", "C.3.4"], ["C.2.8"], ["A.6.2.6"]),
    ("Decisions cannot be explained to the people affected",
     "Reviewers may be unable to say why the system produced an output.",
     ["C.3.2"], ["C.2.11", "C.2.1"], ["A.8.2", "A.6.2.7"]),
    ("Personal data exposed through outputs",
     "Outputs or logs may reveal personal data to people who should not see it.",
     ["C.3.1"], ["C.2.7", "C.2.10"], ["A.7.5", "A.6.2.8"]),
    ("Over-reliance on automated output",
     "Staff may accept outputs without the scrutiny the intended use assumes.",
     ["C.3.3"], ["C.2.9", "C.2.1"], ["A.9.2", "A.9.4"]),
    ("Supplier model changes without notice",
     "A third-party model or service may change behaviour between versions.",
     ["C.3.7", "C.3.6"], ["C.2.6", "C.2.8"], ["A.10.3"]),
    ("Outage of the serving infrastructure",
     "Hardware or platform failure may make the system unavailable at peak times.",
     ["C.3.5"], ["C.2.8"], ["A.4.5"]),
]  # fmt: skip

INCIDENT_SUMMARIES = [
    "Model returned stale scores after a feature pipeline failed silently",
    "Assistant draft cited a withdrawn policy wording",
    "Spike in false alerts after an upstream schema change",
    "Transcripts exposed to a team without access rights",
    "Override rate doubled after a model update",
    "Batch job skipped a day of inputs",
]
NONCONFORMITY_DESCRIPTIONS = [
    "Impact assessment not updated after a significant change",
    "Monitoring review overdue for several systems",
    "Data provenance not recorded for an acquired data set",
    "Supplier agreement lacks allocation of AI responsibilities",
    "Event log retention shorter than the documented requirement",
    "Competence records missing for new model validators",
]

OBJECTIVES = [
    ("management_system", "Keep every in-scope AI system's impact assessment current",
     ["C.2.1"], "share of systems assessed after their last significant change", "98%"),
    ("responsible_development", "Test every tabular model for group fairness before release",
     ["C.2.5"], "share of releases with a fairness test report", "100%"),
    ("responsible_development", "Reduce mean time to detect model drift",
     ["C.2.8"], "median days from drift onset to alert", 7),
    ("responsible_use", "Keep human review of generative drafts effective",
     ["C.2.9", "C.2.11"], "share of drafts reviewed before sending", "100%"),
    ("management_system", "Train every AI system owner in the AI policy",
     ["C.2.2"], "share of owners trained in the last year", "95%"),
    ("responsible_use", "Lower the energy use of model training",
     ["C.2.4"], "kWh per training run, year on year", "-15%"),
    ("management_system", "Close corrective actions on time",
     ["C.2.1", "C.2.6"], "share closed by their due date", "90%"),
    ("responsible_development", "Record provenance for every acquired data set",
     ["C.2.3", "C.2.7"], "share of data sets with origin and licence", "100%"),
]  # fmt: skip

COMMUNICATION_TOPICS = [
    ("AI policy update", "internal", "intranet"),
    ("How we use AI in claims", "customers", "website"),
    ("Model change notice", "users", "release notes"),
    ("AI incident summary", "regulators", "regulatory portal"),
    ("Supplier responsibilities briefing", "suppliers", "email"),
    ("Annual transparency statement", "public", "website"),
]

# Attestations: (statement id as rules name it, text, index into EXECUTIVES, role category).
ATTESTATIONS = [
    ("leadership.ai_policy_commitment", "Top management commits to the AI policy", 0, "top_management"),
    ("roles.responsibilities_assigned", "AI roles and responsibilities are assigned", 4, "ai_governance"),
    ("concerns.reporting_channel_available", "Staff know how to report a concern", 4, "ai_governance"),
    ("resources.adequate", "Resources for in-scope AI systems were reviewed", 3, "top_management"),
    ("external_reporting.obligations_reviewed", "External reporting duties were reviewed", 5, "compliance"),
]
