"""The promote/rollback/history job: an authorised approval of the evaluated commit, the
alias moved with an audit trail, and one-step rollback."""
