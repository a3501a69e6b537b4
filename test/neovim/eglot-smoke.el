;;; eglot-smoke.el --- batch-mode smoke test of the server under Emacs + eglot  -*- lexical-binding: t -*-

;; Driven by test/neovim/eglot.test.ts:
;;
;;   emacs --batch -l test/neovim/eglot-smoke.el
;;
;; Starts the server with eglot through the `eglot-server-programs' entry the README gives (the
;; test puts a `secretrefs-language-server' running the built dist/server.js on PATH),
;; waits for pushed diagnostics, then (mode "full") asks for completion, hover and code actions,
;; applies the KV v2 quick fix and writes what it saw as JSON to $SECRETREFS_EGLOT_OUT.  Always
;; exits, also after an error (recorded as `error').  Every wait is bounded and waits on the
;; server's output (accept-process-output), never a blind sleep.
;;
;; Environment:
;;   SECRETREFS_EGLOT_ROOT       the workspace folder
;;   SECRETREFS_EGLOT_OUT        where the JSON results go
;;   SECRETREFS_EGLOT_MODE       "full" (default) or "diagnostics"
;;   SECRETREFS_EGLOT_DISABLED   comma-separated codes for :initializationOptions :settings
;;   SECRETREFS_EGLOT_WORKSPACE_DISABLED  comma-separated codes for eglot-workspace-configuration,
;;                               written to the workspace's .dir-locals.el
;;   SECRETREFS_EGLOT_WAIT_MS    bound of each wait (default 20000)

(require 'cl-lib)
(require 'json)
(require 'package)
(package-initialize)
(require 'eglot)
(unless (require 'yaml-mode nil t)
  (define-derived-mode yaml-mode text-mode "YAML"))

(defvar smoke-results (make-hash-table :test 'equal))
(defvar smoke-published (make-hash-table :test 'equal) "URI -> list of publish params.")
(defvar smoke-published-when-indexed nil "URI -> count when the server first said indexing ended.")
(defvar smoke-log-errors nil)

(defun smoke-env (name &optional default)
  (let ((value (getenv name)))
    (if (and value (not (string-empty-p value))) value default)))

(defun smoke-split (text)
  (vconcat (and text (split-string text "[, ]+" t))))

(defun smoke-put (key value) (puthash key value smoke-results))

(defvar smoke-wait-seconds (/ (string-to-number (smoke-env "SECRETREFS_EGLOT_WAIT_MS" "20000")) 1000.0))

(defun smoke-wait (what predicate)
  (let ((deadline (+ (float-time) smoke-wait-seconds)))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (error "timed out after %ss waiting for %s" smoke-wait-seconds what))
      (accept-process-output nil 0.05))))

(defun smoke-count (uri) (length (gethash uri smoke-published)))

(defun smoke-latest-diagnostics (uri)
  (let ((latest (car (gethash uri smoke-published))))
    (and latest (append latest nil))))

(defun smoke-codes (uri)
  (sort (mapcar (lambda (d) (plist-get d :code)) (smoke-latest-diagnostics uri)) #'string<))

(defun smoke-published-since-indexed (uri)
  (and smoke-published-when-indexed
       (> (smoke-count uri) (or (cdr (assoc uri smoke-published-when-indexed)) 0))))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (push diagnostics (gethash uri smoke-published)))

(cl-defmethod eglot-handle-notification
  (_server (_method (eql secretRefs/status)) &key indexing &allow-other-keys)
  (when (and (eq indexing :json-false) (null smoke-published-when-indexed))
    (setq smoke-published-when-indexed
          (let (counts)
            (maphash (lambda (uri list) (push (cons uri (length list)) counts)) smoke-published)
            (or counts '((none . 0)))))))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql window/logMessage)) &key type message &allow-other-keys)
  (when (eql type 1) (push message smoke-log-errors)))

(defun smoke-hover-text (contents)
  (cond ((stringp contents) contents)
        ((and (listp contents) (plist-get contents :value)) (plist-get contents :value))
        ((vectorp contents)
         (mapconcat (lambda (part) (if (stringp part) part (or (plist-get part :value) ""))) contents "\n"))
        (t "")))

(defun smoke-line (n)
  "Text of 0-based line N of the current buffer."
  (save-excursion
    (goto-char (point-min))
    (forward-line n)
    (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun smoke-main ()
  (let* ((root (file-name-as-directory (smoke-env "SECRETREFS_EGLOT_ROOT")))
         (mode (smoke-env "SECRETREFS_EGLOT_MODE" "full"))
         (init-disabled (smoke-split (smoke-env "SECRETREFS_EGLOT_DISABLED")))
         (workspace-disabled (smoke-env "SECRETREFS_EGLOT_WORKSPACE_DISABLED"))
         (oracle-file (expand-file-name "oracle.connection.yaml" root))
         (typo-file (expand-file-name "typo.connection.yaml" root))
         (project-find-functions (list (lambda (_dir) (cons 'transient root))))
         (eglot-server-programs
          `((yaml-mode . ("secretrefs-language-server" "--stdio"
                          :initializationOptions
                          (:settings (:diagnostics (:disabled ,init-disabled)
                                      :live (:enabled :json-false)))))))
         (oracle (progn
                   ;; Where a user puts per-project server settings: .dir-locals.el, which eglot
                   ;; reads when it answers workspace/configuration.
                   (when workspace-disabled
                     (with-temp-file (expand-file-name ".dir-locals.el" root)
                       (prin1 `((nil . ((eglot-workspace-configuration
                                         . (:secretRefs (:diagnostics (:disabled ,(smoke-split workspace-disabled))))))))
                              (current-buffer))))
                   (find-file-noselect oracle-file)))
         (typo (find-file-noselect typo-file)))
    (smoke-put "emacs_version" emacs-version)
    (smoke-put "eglot_version" (or (ignore-errors (package-desc-version (cadr (assq 'eglot package-alist)))) "built-in"))
    (dolist (buffer (list oracle typo))
      (with-current-buffer buffer (yaml-mode)))
    (with-current-buffer oracle
      (apply #'eglot (eglot--guess-contact)))
    (let* ((server (with-current-buffer oracle (eglot-current-server)))
           (oracle-uri (eglot--path-to-uri oracle-file))
           (typo-uri (eglot--path-to-uri typo-file)))
      (unless server (error "eglot did not connect"))
      ;; The typo buffer was visited before the server started: let eglot manage it too.
      (with-current-buffer typo (eglot--maybe-activate-editing-mode))
      (smoke-wait "diagnostics after indexing"
                  (lambda ()
                    (and (smoke-published-since-indexed oracle-uri)
                         (smoke-published-since-indexed typo-uri)
                         (member "unknown-engine" (smoke-codes oracle-uri))
                         (member "unknown-vault" (smoke-codes typo-uri)))))
      (smoke-put "oracle_codes" (vconcat (smoke-codes oracle-uri)))
      (smoke-put "typo_codes" (vconcat (smoke-codes typo-uri)))
      (when (equal mode "full")
        (let* ((completion (jsonrpc-request server :textDocument/completion
                                            `(:textDocument (:uri ,typo-uri)
                                              :position (:line 2 :character 11))))
               (items (if (vectorp completion) completion (plist-get completion :items))))
          (smoke-put "completion_labels" (vconcat (mapcar (lambda (i) (plist-get i :label)) items))))
        (let ((hover (jsonrpc-request server :textDocument/hover
                                      `(:textDocument (:uri ,oracle-uri) :position (:line 9 :character 16)))))
          (smoke-put "hover" (smoke-hover-text (plist-get hover :contents))))
        (let* ((diagnostic (cl-find "kv2-missing-data-prefix" (smoke-latest-diagnostics oracle-uri)
                                    :key (lambda (d) (plist-get d :code)) :test #'equal))
               (actions (and diagnostic
                             (jsonrpc-request server :textDocument/codeAction
                                              `(:textDocument (:uri ,oracle-uri)
                                                :range ,(plist-get diagnostic :range)
                                                :context (:diagnostics ,(vector diagnostic))))))
               (chosen (cl-find "Insert `data/` (KV v2)" actions
                                :key (lambda (a) (plist-get a :title)) :test #'equal)))
          (smoke-put "code_action_titles" (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
          (when (and chosen (plist-get chosen :edit))
            (eglot--apply-workspace-edit (plist-get chosen :edit))
            (with-current-buffer oracle
              (smoke-put "fixed_line" (smoke-line 5))
              ;; eglot sends changes on an idle timer; batch Emacs is never idle, so send them now.
              (eglot--signal-textDocument/didChange))
            (let ((before (smoke-count oracle-uri)))
              (smoke-wait "the fixed diagnostics"
                          (lambda () (and (> (smoke-count oracle-uri) before)
                                          (not (member "kv2-missing-data-prefix" (smoke-codes oracle-uri)))))))
            (smoke-put "oracle_codes_after_fix" (vconcat (smoke-codes oracle-uri))))))
      (eglot-shutdown server nil 5 t)
      (smoke-put "shutdown" t))))

(defun smoke-write ()
  (smoke-put "log_errors" (vconcat (reverse smoke-log-errors)))
  (with-temp-file (smoke-env "SECRETREFS_EGLOT_OUT")
    (let ((json-encoding-pretty-print nil))
      (insert (json-encode smoke-results)))))

(condition-case err
    (smoke-main)
  (error (smoke-put "error" (error-message-string err))))
(smoke-write)
(kill-emacs 0)
